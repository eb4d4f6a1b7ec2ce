#!/bin/sh
# Regenerates the *_pb2.py modules beside this script from the .proto files.
#
# grpcio-tools 1.62 (protoc 25) is chosen on purpose: its generated code carries no runtime
# version pin, so the modules import on every protobuf runtime from 3.20 to 7.x. Newer
# protoc output refuses runtimes older than itself, which would break installs next to an
# older TensorFlow or PyTorch.
set -eu
cd "$(dirname "$0")/../../.."
venv="${TMPDIR:-/tmp}/tbtui-protoc"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q "grpcio-tools==1.62.3"; }
"$venv/bin/python" -m grpc_tools.protoc -I. --python_out=. tui/tfevents/proto/*.proto
echo "regenerated: $(ls tui/tfevents/proto/*_pb2.py | tr '\n' ' ')"
