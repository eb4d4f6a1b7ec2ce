"""tbtui: TensorBoard for the terminal."""

import os

__version__ = "0.1.0"

# numpy's OpenBLAS starts a thread per core when numpy is imported, and each spins for a while
# waiting for work that tbtui never gives it (no large matrix products: PCA of a projector's
# points is the only BLAS call, on small matrices). On 2 cores that spin took 0.08 s of CPU per
# process start and competed with the reading threads: a `tbtui summary` of 100 MB cost 0.1 s
# more CPU. One BLAS thread, unless the user chose a count (this runs before numpy is imported
# by any tbtui module; a process that imported numpy first keeps its threads).
if not any(os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")):
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
