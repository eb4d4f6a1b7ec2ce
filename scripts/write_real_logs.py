"""Write logdirs with the heavy real writers: TensorFlow 2 / Keras, Lightning and transformers.

scripts/differential.py writes its own scenarios with torch, tensorboardX and tensorboard's protos
(what the test venv has); this script covers the writers that need TensorFlow, Lightning or
transformers, which the test venv must not need. Run it in a venv that has them, then compare::

    python3 -m venv /tmp/venv-writers
    /tmp/venv-writers/bin/pip install tensorflow-cpu keras lightning transformers accelerate torch
    /tmp/venv-writers/bin/python scripts/write_real_logs.py /tmp/real-logs [SCENARIO...]
    python scripts/differential.py --logdir /tmp/real-logs/*

Each scenario writes one logdir ``OUT/<scenario>``, with no network access (models are built from
configs) and in a few seconds. The logdirs tests/data/corpus/writers holds were written by it (the
versions are in that folder's README).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _tf() -> Any:
    import tensorflow as tf

    return tf


def _new_second() -> None:
    """TF1's FileWriter and TF's C++ events writer name a file by the second it opened in (no pid):
    a writer reopened in the same second would truncate the earlier file."""
    time.sleep(1.05 - time.time() % 1.0)


# ---- Keras -----------------------------------------------------------------------------------------


def _keras_data(n: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 8, 8, 1)).astype(np.float32)
    y = (x.mean(axis=(1, 2, 3)) > 0).astype(np.int64)
    return x[: n * 3 // 4], y[: n * 3 // 4], x[n * 3 // 4 :], y[n * 3 // 4 :]


def _keras_model() -> Any:
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
            keras.layers.BatchNormalization(name="bn"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(8, activation="relu", name="dense"),
            keras.layers.Dense(2, name="logits"),
        ],
        name="tiny_cnn",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def keras_fit_epoch(out: Path) -> None:
    """model.fit with the TensorBoard callback, per-epoch updates: train/ and validation/ runs,
    epoch_* scalars, weight histograms and images of every layer, the Keras model graph."""
    import keras

    x, y, vx, vy = _keras_data()
    cb = keras.callbacks.TensorBoard(
        log_dir=str(out),
        histogram_freq=1,
        write_graph=True,
        write_images=True,
        update_freq="epoch",
        profile_batch=0,
    )
    _keras_model().fit(x, y, validation_data=(vx, vy), epochs=4, batch_size=8, callbacks=[cb], verbose=0)


def keras_fit_batch(out: Path) -> None:
    """update_freq "batch", then every 2 batches, validation_split, two fits into one logdir (the
    second resumes at initial_epoch): batch_* and evaluation_*_vs_iterations tags, two files per
    run, steps per second."""
    import keras

    x, y, _, _ = _keras_data()
    model = _keras_model()
    for first, last in ((0, 2), (2, 4)):
        cb = keras.callbacks.TensorBoard(
            log_dir=str(out),
            histogram_freq=2,
            write_graph=first == 0,
            update_freq="batch" if first == 0 else 2,
            write_steps_per_second=True,
            profile_batch=0,
        )
        model.fit(
            x,
            y,
            validation_split=0.25,
            initial_epoch=first,
            epochs=last,
            batch_size=8,
            callbacks=[cb],
            verbose=0,
        )


def keras_evaluate(out: Path) -> None:
    """model.evaluate with the callback after a fit: the validation run's evaluation_* tags."""
    import keras

    x, y, vx, vy = _keras_data()
    model = _keras_model()
    cb = keras.callbacks.TensorBoard(log_dir=str(out), histogram_freq=0, write_graph=False, profile_batch=0)
    model.fit(x, y, epochs=2, batch_size=16, callbacks=[cb], verbose=0)
    model.evaluate(vx, vy, batch_size=8, callbacks=[cb], verbose=0)


def tf_keras_fit(out: Path) -> None:
    """Keras 2 (the tf_keras package, what TF_USE_LEGACY_KERAS=1 gives): the callback with its
    defaults of that era, profile_batch=2 (a profile-empty event file and plugins/profile) and
    write_graph (the train function's op graph, not only the model config), batch updates."""
    import tf_keras

    x, y, vx, vy = _keras_data()
    tf_keras.utils.set_random_seed(0)
    model = tf_keras.Sequential(
        [
            tf_keras.layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1), name="conv"),
            tf_keras.layers.Flatten(name="flat"),
            tf_keras.layers.Dense(2, name="logits"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    cb = tf_keras.callbacks.TensorBoard(
        log_dir=str(out), histogram_freq=1, write_images=True, update_freq="batch", profile_batch=2
    )
    model.fit(x, y, validation_data=(vx, vy), epochs=2, batch_size=16, callbacks=[cb], verbose=0)


# ---- tf.summary ------------------------------------------------------------------------------------


def _write_all_kinds(tf: Any, step: Any, i: Any) -> None:
    """One step of every tf.summary kind: scalar, histogram, image, text, audio."""
    x = tf.cast(i, tf.float32)
    tf.summary.scalar("loss", 1.0 / (x + 1.0), step=step)
    tf.summary.scalar("metrics/acc", x / 10.0, step=step, description="accuracy **so far**")
    tf.summary.histogram("weights/w", tf.random.stateless_normal([100], seed=[1, 2]) + x, step=step)
    tf.summary.histogram("weights/few_buckets", tf.range(10.0) * x, step=step, buckets=4)
    img = tf.reshape(tf.linspace(0.0, 1.0, 2 * 6 * 5 * 3), [2, 6, 5, 3]) * (x + 1.0) / 4.0
    tf.summary.image("images/ramp", tf.clip_by_value(img, 0.0, 1.0), step=step, max_outputs=2)
    tf.summary.text("notes", tf.strings.format("step {} *markdown*", i), step=step)
    tf.summary.text("table", tf.constant([["a", "b"], ["1", "2"]]), step=step)
    wave = tf.sin(tf.linspace(0.0, 100.0, 800) * (x + 1.0))
    tf.summary.audio("audio/tone", tf.reshape(wave, [1, 800, 1]), 8000, step=step)


def tf_summary_eager(out: Path) -> None:
    """Every tf.summary kind written eagerly, with default and explicit steps."""
    tf = _tf()
    w = tf.summary.create_file_writer(str(out / "eager"))
    with w.as_default():
        for i in range(4):
            _write_all_kinds(tf, i, tf.constant(i))
        tf.summary.scalar("dtypes/f64", tf.constant(0.1, tf.float64), step=0)
        tf.summary.scalar("dtypes/int", tf.constant(3, tf.int64), step=0)
        tf.summary.scalar("dtypes/f16", tf.constant(0.333, tf.float16), step=0)
        tf.summary.scalar("dtypes/nan", float("nan"), step=1)
        tf.summary.scalar("dtypes/inf", float("-inf"), step=2)
        tf.summary.scalar("big_step", 1.0, step=2**40)
        tf.summary.experimental.set_step(7)
        tf.summary.scalar("default_step", 7.0)
        tf.summary.histogram("hist/int", tf.constant([1, 2, 2, 3, 3, 3]), step=0)
        tf.summary.histogram("hist/constant", tf.fill([5], 2.5), step=0)
        tf.summary.histogram("hist/empty", tf.zeros([0]), step=0)
        tf.summary.histogram("hist/nan_inf", tf.constant([1.0, float("inf"), float("nan"), 2.0]), step=0)
        tf.summary.text("text/unicode", "ünïcødé ✓ 日本", step=0)
        tf.summary.image("images/gray_uint8", tf.zeros([1, 4, 3, 1], tf.uint8), step=0)
        # tensors with no plugin, and with a plugin TensorBoard does not know
        tf.summary.write("raw/no_plugin", tf.constant([[1.0, 2.0], [3.0, 4.0]]), step=0)
        md = tf.compat.v1.SummaryMetadata()
        md.plugin_data.plugin_name = "my_plugin"
        md.plugin_data.content = b"\x01\x02"
        tf.summary.write("raw/my_plugin", tf.constant(["a", "b"]), step=1, metadata=md)
    w.close()


def tf_summary_odd(out: Path) -> None:
    """What TF2 code writes less often: 0 histogram buckets, max_outputs=0 images, rank-3 text,
    stereo audio, raw Summary protos (write_raw_pb), tf.summary.graph, PR curves, meshes and a
    custom-scalars layout through tensorboard's TF ops, negative and uint64 steps."""
    tf = _tf()
    from tensorboard.plugins.custom_scalar import layout_pb2
    from tensorboard.plugins.custom_scalar import summary as cs_summary
    from tensorboard.plugins.mesh import summary_v2 as mesh_v2
    from tensorboard.plugins.pr_curve import summary as pr_summary

    w = tf.summary.create_file_writer(str(out / "run"))
    with w.as_default():
        tf.summary.histogram("hist/zero_buckets", tf.range(5.0), step=0, buckets=0)
        tf.summary.histogram("hist/one_bucket", tf.range(5.0), step=0, buckets=1)
        tf.summary.image("image/none", tf.zeros([2, 3, 3, 3]), step=0, max_outputs=0)
        tf.summary.text("text/rank3", tf.fill([2, 2, 2], "x"), step=0)
        tf.summary.text("text/empty", "", step=0)
        stereo = tf.stack([tf.sin(tf.linspace(0.0, 50.0, 400))] * 2, axis=-1)
        tf.summary.audio("audio/stereo", stereo[None], 16000, step=0)
        raw = tf.compat.v1.Summary(value=[tf.compat.v1.Summary.Value(tag="raw/simple", simple_value=4.5)])
        tf.summary.experimental.write_raw_pb(raw.SerializeToString(), step=3)
        for s in (-2, -1, 2**62):
            tf.summary.scalar("steps/odd", float(s % 7), step=s)
        tf.summary.scalar("steps/uint64", 1.0, step=np.uint64(5))
        labels = tf.constant([True, False, True, True, False])
        preds = tf.constant([0.9, 0.4, 0.6, 0.3, 0.1])
        for step in range(2):
            tf.summary.experimental.write_raw_pb(
                pr_summary.pb(
                    "pr/curve", labels.numpy(), preds.numpy() * (step + 1) / 2, num_thresholds=5
                ).SerializeToString(),
                step=step,
            )
        verts = tf.constant([[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        mesh_v2.mesh("mesh/tri", vertices=verts, faces=tf.constant([[[0, 1, 2]]]), step=0)
        layout = layout_pb2.Layout(
            category=[
                layout_pb2.Category(
                    title="losses",
                    chart=[
                        layout_pb2.Chart(
                            title="odd", multiline=layout_pb2.MultilineChartContent(tag=[r"steps/.*"])
                        )
                    ],
                )
            ]
        )
        tf.summary.experimental.write_raw_pb(cs_summary.pb(layout).SerializeToString(), step=0)

        @tf.function
        def f(x: Any) -> Any:
            return tf.nn.relu(x) * 2.0

        tf.summary.graph(f.get_concrete_function(tf.zeros([2])).graph)
    w.close()


def tf_summary_function(out: Path) -> None:
    """The same kinds inside a tf.function with a tf.Variable step and record_if, and a trace."""
    tf = _tf()
    w = tf.summary.create_file_writer(str(out / "function"))
    step = tf.Variable(0, dtype=tf.int64)

    @tf.function
    def train_step() -> Any:
        with tf.summary.record_if(step % 2 == 0):
            _write_all_kinds(tf, step, step)
        tf.summary.scalar("every_step", tf.cast(step, tf.float32) * 2.0, step=step)
        step.assign_add(1)
        return step

    @tf.function
    def model(x: Any) -> Any:
        return tf.nn.relu(tf.matmul(x, tf.ones([3, 2])) + 1.0)

    with w.as_default():
        tf.summary.trace_on(graph=True, profiler=False)
        model(tf.zeros([1, 3]))
        tf.summary.trace_export("model_trace", step=0)
        for _ in range(6):
            train_step()
    w.close()


def tf_multi_writers(out: Path) -> None:
    """Several create_file_writer writers on one directory at once, interleaved, and one more
    after they closed: one run, three .v2 files, steps that repeat across files."""
    tf = _tf()
    a = tf.summary.create_file_writer(str(out / "run"))
    b = tf.summary.create_file_writer(str(out / "run"), filename_suffix=".second")
    for s in range(6):
        with a.as_default():
            tf.summary.scalar("loss", float(s), step=s)
            a.flush()
        with b.as_default():
            tf.summary.scalar("loss", 100.0 + s, step=s)
            tf.summary.scalar("b_only", -float(s), step=s)
            b.flush()
        time.sleep(0.1)  # a training step: a live reader sees both files grow in turn
    a.close()
    b.close()
    c = tf.summary.create_file_writer(str(out / "run"))
    with c.as_default():
        for s in range(3, 8):
            tf.summary.scalar("loss", 1000.0 + s, step=s)
    c.close()


def tf_multi_file_big(out: Path) -> None:
    """A run killed and resumed: a first file over 1 MB (steps 0..7999), then a new writer from a
    checkpoint at step 6000; TensorBoard reads the files one after the other."""
    tf = _tf()
    w = tf.summary.create_file_writer(str(out / "run"), max_queue=1000)
    with w.as_default():

        @tf.function
        def log(s: Any) -> None:
            tf.summary.scalar("train/loss_head_00", tf.cast(s, tf.float32), step=s)
            tf.summary.scalar("train/loss_head_01", -tf.cast(s, tf.float32), step=s)

        for s in tf.range(8000, dtype=tf.int64):
            log(s)
    w.close()
    r = tf.summary.create_file_writer(str(out / "run"))
    with r.as_default():
        for s in range(6000, 6050):
            tf.summary.scalar("train/loss_head_00", float(-s), step=s)
    r.close()


def tf1_session_log(out: Path) -> None:
    """tf.compat.v1 FileWriter in graph mode: the graph, Summary protos with simple_value, a
    SessionLog START that purges (as a restored MonitoredTrainingSession writes), STOP and
    CHECKPOINT; then the job restarts into the same directory in a new file with another START."""
    tf = _tf()
    v1 = tf.compat.v1
    SL = tf.compat.v1.SessionLog
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        w = v1.get_variable("dense/w", [3, 1])
        loss = tf.reduce_mean(tf.matmul(x, w), name="loss")
        s_loss = v1.summary.scalar("loss", loss)
        s_hist = v1.summary.histogram("dense/w", w)
        s_img = v1.summary.image("input", tf.reshape(x[:1], [1, 1, 3, 1]))
        s_audio = v1.summary.audio("wave", tf.reshape(tf.tile(x[:1], [1, 100]), [1, 300]), 8000)
        s_text = v1.summary.text("note", tf.strings.as_string(loss))
        merged = v1.summary.merge([s_loss, s_hist, s_img, s_audio, s_text])
        init = v1.global_variables_initializer()

    def summary(tag: str, v: float) -> Any:
        return v1.Summary(value=[v1.Summary.Value(tag=tag, simple_value=v)])

    with graph.as_default(), v1.Session(graph=graph) as sess:
        sess.run(init)
        fw = v1.summary.FileWriter(str(out / "run"), graph)
        fw.add_session_log(SL(status=SL.START), 0)
        for s in range(10):
            fw.add_summary(summary("manual", float(s)), s)
            fw.add_summary(sess.run(merged, {x: np.full((2, 3), s, np.float32)}), s)
        fw.add_session_log(SL(status=SL.CHECKPOINT, checkpoint_path="/tmp/ckpt-9"), 9)
        fw.add_session_log(SL(status=SL.START), 5)  # a restore from the step-5 checkpoint
        for s in range(5, 12):
            fw.add_summary(summary("manual", -float(s)), s)
        fw.add_session_log(SL(status=SL.STOP), 11)
        fw.close()
    _new_second()
    with tf.Graph().as_default():
        fw = v1.summary.FileWriter(str(out / "run"))
        fw.add_session_log(SL(status=SL.START), 8)
        for s in range(8, 14):
            fw.add_summary(summary("manual", 100.0 + s), s)
        fw.close()
        # and a run whose FileWriter is reopened without a START: steps repeat, nothing is purged
        fw = v1.summary.FileWriter(str(out / "no_start"))
        for s in range(5):
            fw.add_summary(summary("manual", float(s)), s)
        fw.close()
        _new_second()
        fw = v1.summary.FileWriter(str(out / "no_start"))
        for s in range(3, 6):
            fw.add_summary(summary("manual", 10.0 + s), s)
        fw.close()


def tf1_monitored_session(out: Path) -> None:
    """tf.compat.v1 MonitoredTrainingSession writing summaries and checkpoints, killed after step
    12 (last checkpoint at step 10) and restarted: the new session restores step 10, its
    CheckpointSaverHook writes SessionLog START there, and TensorBoard purges steps >= 10."""
    tf = _tf()
    v1 = tf.compat.v1
    ckpt = out.parent / (out.name + "-ckpt")
    shutil.rmtree(ckpt, ignore_errors=True)

    def train(stop_at: int) -> None:
        with tf.Graph().as_default():
            step = v1.train.get_or_create_global_step()
            x = tf.constant([[1.0, 2.0]])
            w = v1.get_variable("w", [2, 1], initializer=v1.ones_initializer())
            loss = tf.reduce_sum(tf.matmul(x, w)) * tf.cast(step + 1, tf.float32)
            v1.summary.scalar("loss", loss)
            v1.summary.histogram("w", w)
            train_op = v1.assign_add(step, 1)
            hooks = [v1.train.StopAtStepHook(last_step=stop_at)]
            with v1.train.MonitoredTrainingSession(
                checkpoint_dir=str(ckpt),
                summary_dir=str(out / "train"),
                save_summaries_steps=1,
                save_checkpoint_steps=5,
                log_step_count_steps=4,
                hooks=hooks,
            ) as sess:
                while not sess.should_stop():
                    sess.run(train_op)

    train(13)
    # the job dies: drop the checkpoint the final save wrote at step 13, keep the one at step 10
    for f in ckpt.glob("model.ckpt-13*"):
        f.unlink()
    v1.train.update_checkpoint_state(str(ckpt), str(ckpt / "model.ckpt-10"))
    v1.summary.FileWriterCache.clear()  # a new process: a new writer, a new file
    _new_second()
    train(18)
    shutil.rmtree(ckpt, ignore_errors=True)


def tf_hparams(out: Path) -> None:
    """The hparams plugin's Keras-free API: hparams_config at the root, hp.hparams per run, the
    metric as a tf.summary.scalar in each run."""
    tf = _tf()
    from tensorboard.plugins.hparams import api as hp

    lr = hp.HParam("lr", hp.RealInterval(1e-4, 1e-1))
    units = hp.HParam("units", hp.Discrete([8, 16]))
    opt = hp.HParam("optimizer", hp.Discrete(["adam", "sgd"]))
    dropout = hp.HParam("dropout", hp.RealInterval(0.0, 0.5))
    with tf.summary.create_file_writer(str(out)).as_default():
        hp.hparams_config(
            hparams=[lr, units, opt, dropout],
            metrics=[hp.Metric("accuracy", display_name="Accuracy"), hp.Metric("epoch_loss", group="train")],
        )
    for i, (r, u, o) in enumerate(((1e-3, 8, "adam"), (1e-2, 16, "sgd"), (1e-1, 16, "adam"))):
        with tf.summary.create_file_writer(str(out / f"trial-{i}")).as_default():
            hp.hparams({lr: r, units: u, opt: o, dropout: 0.1 * i}, trial_id=f"trial-{i}")
            for s in range(3):
                tf.summary.scalar("accuracy", 0.5 + 0.1 * i + 0.01 * s, step=s)
    # the Keras callback form
    import keras

    x, y, vx, vy = _keras_data()
    run = out / "keras-trial"
    cbs = [
        keras.callbacks.TensorBoard(str(run), profile_batch=0, write_graph=False),
        hp.KerasCallback(str(run / "train"), {lr: 1e-2, units: 8, opt: "adam", dropout: 0.0}),
    ]
    _keras_model().fit(x, y, validation_data=(vx, vy), epochs=2, batch_size=16, callbacks=cbs, verbose=0)


# ---- Lightning -------------------------------------------------------------------------------------


def lightning_resume(out: Path) -> None:
    """Lightning's TensorBoardLogger: fit 2 epochs, then a new Trainer resumes from the checkpoint
    into the same version (a second event file in version_0), with log_hyperparams and a graph."""
    import lightning as L
    import torch
    from lightning.pytorch.loggers import TensorBoardLogger

    class Tiny(L.LightningModule):
        def __init__(self, lr: float = 0.05, hidden: int = 8) -> None:
            super().__init__()
            self.save_hyperparameters()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(4, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1)
            )
            self.example_input_array = torch.zeros(2, 4)

        def forward(self, x: Any) -> Any:
            return self.net(x)

        def training_step(self, batch: Any, _: int) -> Any:
            x, y = batch
            loss = torch.nn.functional.mse_loss(self(x), y)
            self.log("train_loss", loss, on_step=True, on_epoch=True)
            self.log("lr", self.hparams.lr)
            return loss

        def validation_step(self, batch: Any, _: int) -> None:
            x, y = batch
            self.log("val_loss", torch.nn.functional.mse_loss(self(x), y), prog_bar=True)

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

    torch.manual_seed(0)
    x = torch.randn(64, 4)
    ds = torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True))
    train = torch.utils.data.DataLoader(ds, batch_size=8)
    val = torch.utils.data.DataLoader(ds, batch_size=16)
    ckpt_dir = out.parent / (out.name + "-ckpt")

    def trainer(epochs: int) -> Any:
        logger = TensorBoardLogger(str(out), name="tiny", version=0, log_graph=True, default_hp_metric=True)
        return L.Trainer(
            max_epochs=epochs,
            logger=logger,
            log_every_n_steps=2,
            enable_progress_bar=False,
            enable_model_summary=False,
            default_root_dir=str(ckpt_dir),
            accelerator="cpu",
            devices=1,
        )

    t = trainer(2)
    t.fit(Tiny(), train, val)
    ckpt = t.checkpoint_callback.best_model_path
    _new_second()
    trainer(4).fit(Tiny(), train, val, ckpt_path=ckpt)
    shutil.rmtree(ckpt_dir, ignore_errors=True)


# ---- transformers ----------------------------------------------------------------------------------


def transformers_trainer(out: Path) -> None:
    """transformers' Trainer with report_to tensorboard on a tiny BERT built from a config (no
    download): train/* scalars every step, eval/* every 2 steps, the args and config as text."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=50,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=16,
        num_labels=2,
    )
    model = BertForSequenceClassification(cfg)

    class Data(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return 32

        def __getitem__(self, i: int) -> dict[str, Any]:
            g = torch.Generator().manual_seed(i)
            return {"input_ids": torch.randint(0, 50, (8,), generator=g), "labels": i % 2}

    os.environ["TENSORBOARD_LOGGING_DIR"] = str(out / "run")  # transformers 5 has no logging_dir
    args = TrainingArguments(
        output_dir=str(out.parent / (out.name + "-out")),
        report_to=["tensorboard"],
        max_steps=8,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=8,
        logging_steps=1,
        eval_strategy="steps",
        eval_steps=2,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
    )
    Trainer(model=model, args=args, train_dataset=Data(), eval_dataset=Data()).train()
    shutil.rmtree(args.output_dir, ignore_errors=True)


def tf_summary_dtypes(out: Path) -> None:
    """``tf.summary.write`` with tensors of every odd dtype (bool, string, float16, bfloat16, int8,
    uint16, complex64; with and without the scalars plugin's metadata), int64 steps up to 2^63-1,
    float16/int/bool histograms, and a Keras fit of a two-output model (one loss and metric per
    output). TensorBoard without TensorFlow cannot decode bfloat16 (its ``tensor_util`` raises);
    with TensorFlow it reads the top half of a float32, as tbtui does."""
    tf = _tf()
    import keras

    w = tf.summary.create_file_writer(str(out / "dtypes"))
    md = tf.compat.v1.SummaryMetadata(
        plugin_data=tf.compat.v1.SummaryMetadata.PluginData(plugin_name="scalars")
    )
    with w.as_default():
        for s in (0, 2**62 - 1, 2**62 + 5, 2**63 - 1):
            tf.summary.scalar("big/step", 1.0 + s % 3, step=s)
        for i in range(3):
            tf.summary.write("raw/bool", tf.constant([True, False, i == 1]), step=i)
            tf.summary.write("raw/string", tf.constant(["a", "\u00fc" * i]), step=i)
            tf.summary.write("raw/f16", tf.constant(1.5 + i, dtype=tf.float16), step=i)
            tf.summary.write("raw/bf16", tf.constant(2.5 + i, dtype=tf.bfloat16), step=i)
            tf.summary.write("raw/i8", tf.constant([i, -i], dtype=tf.int8), step=i)
            tf.summary.write("raw/u16", tf.constant(i, dtype=tf.uint16), step=i)
            tf.summary.write("raw/c64", tf.constant(1 + 2j, dtype=tf.complex64), step=i)
            tf.summary.write("scalar/f16", tf.constant(0.25 * i, dtype=tf.float16), step=i, metadata=md)
            tf.summary.write(
                "scalar/bf16", tf.constant(0.5 * i - 0.3, dtype=tf.bfloat16), step=i, metadata=md
            )
            tf.summary.write("scalar/int32", tf.constant(7 * i, dtype=tf.int32), step=i, metadata=md)
            tf.summary.write("scalar/bool", tf.constant(i == 1), step=i, metadata=md)
            tf.summary.histogram("hist/f16", tf.constant([1.0, 2.0, 3.0 + i], dtype=tf.float16), step=i)
            tf.summary.histogram("hist/int", tf.constant([1, 2, 2, 3 + i]), step=i)
            tf.summary.histogram("hist/bool", tf.constant([True, False, True]), step=i)
    w.close()

    keras.utils.set_random_seed(0)
    inp = keras.Input((6,), name="x")
    h = keras.layers.Dense(8, activation="relu")(inp)
    model = keras.Model(
        inp,
        {
            "reg": keras.layers.Dense(1, name="reg")(h),
            "cls": keras.layers.Dense(3, activation="softmax", name="cls")(h),
        },
    )
    model.compile(
        "adam",
        loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
        metrics={"reg": ["mae"], "cls": ["accuracy"]},
    )
    rng = np.random.default_rng(0)
    x = rng.random((32, 6)).astype("float32")
    y = {"reg": rng.random((32, 1)).astype("float32"), "cls": rng.integers(0, 3, 32)}
    tb = keras.callbacks.TensorBoard(str(out / "keras_two_outputs"), histogram_freq=1, update_freq="batch")
    model.fit(x, y, epochs=2, batch_size=16, validation_split=0.25, verbose=0, callbacks=[tb])


SCENARIOS: dict[str, Callable[[Path], None]] = {
    f.__name__: f
    for f in (
        keras_fit_epoch,
        keras_fit_batch,
        keras_evaluate,
        tf_keras_fit,
        tf_summary_eager,
        tf_summary_odd,
        tf_summary_function,
        tf_multi_writers,
        tf_multi_file_big,
        tf1_session_log,
        tf1_monitored_session,
        tf_hparams,
        lightning_resume,
        transformers_trainer,
        tf_summary_dtypes,
    )
}


def versions() -> dict[str, str]:
    """The versions of every writer library installed here (those that import)."""
    out: dict[str, str] = {"python": sys.version.split()[0]}
    for mod in ("tensorflow", "keras", "tensorboard", "torch", "lightning", "transformers", "numpy"):
        with contextlib.suppress(ImportError):
            out[mod] = __import__(mod, fromlist=["__version__"]).__version__
    out["protobuf"] = __import__("google.protobuf").protobuf.__version__
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="folder to write one logdir per scenario into")
    ap.add_argument("scenarios", nargs="*", help="substrings of scenario names (default: all)")
    a = ap.parse_args()
    bad = 0
    for name, f in SCENARIOS.items():
        if a.scenarios and not any(s in name for s in a.scenarios):
            continue
        d = a.out / name
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        t0 = time.time()
        try:
            f(d)
            print(f"{name}: written in {time.time() - t0:.1f} s", flush=True)
        except Exception as e:
            bad += 1
            print(f"{name}: FAILED {type(e).__name__}: {e}", flush=True)
    print(" ".join(f"{k}={v}" for k, v in versions().items()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
