"""Interop checks driven by python_interop_test.cpp, with Debian's python3-torch:
  (the last argument is the folder of raserflow_models.py)
  export DIR CONVENTION   a small CNN in PyTorch, traced to DIR/cnn.pt with raserflow.json metadata;
               DIR/x.bin (float32 [5, 40]) and PyTorch's outputs DIR/y.bin
  load DIR     DIR/model.h5 (written by raserflow) into PyTorch; its outputs on DIR/x.bin (shape
               in DIR/x.json) to DIR/y.bin
"""
import json
import sys

import numpy as np
import torch

sys.path.insert(0, sys.argv[-1])
import raserflow_models  # noqa: E402

mode, folder = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
if mode == "export":
    net = raserflow_models.Cnn(inputs=40, outputs=8, filters=4, kernel=3, conv_layers=2,
                               hidden=16, fc_layers=2).eval()
    x = torch.rand(5, 40)
    with torch.no_grad():
        y = net(x)
    meta = {"convention": json.loads(sys.argv[3])}
    torch.jit.save(torch.jit.trace(net, x), f"{folder}/cnn.pt",
                   _extra_files={"raserflow.json": json.dumps(meta)})
    x.numpy().astype(np.float32).tofile(f"{folder}/x.bin")
    y.numpy().astype(np.float32).tofile(f"{folder}/y.bin")
else:
    net = raserflow_models.load(f"{folder}/model.h5")
    shape = json.load(open(f"{folder}/x.json"))
    x = torch.from_numpy(np.fromfile(f"{folder}/x.bin", dtype=np.float32).reshape(shape))
    with torch.no_grad():
        net(x).numpy().astype(np.float32).tofile(f"{folder}/y.bin")
