#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch reference timing for bench_models: the same autoencoder and VAE trained on the same
matrix (raw little-endian float32, rows x cols, written by bench_models).

Usage: /usr/bin/python3 bench_models.py MATRIX.f32 ROWS COLS [THREADS ...]
Prints one line per run: "<model> <threads> <seconds> <final loss>".
"""
import sys
import time

import numpy as np
import torch
from torch import nn


def build(d, hidden, latent, variational):
    enc, width = [], d
    for h in hidden:
        enc += [nn.Linear(width, h), nn.ReLU()]
        width = h
    enc.append(nn.Linear(width, 2 * latent if variational else latent))
    dec, width = [], latent
    for h in reversed(hidden):
        dec += [nn.Linear(width, h), nn.ReLU()]
        width = h
    dec.append(nn.Linear(width, d))
    model = nn.ModuleDict({"enc": nn.Sequential(*enc), "dec": nn.Sequential(*dec)})
    for m in model.modules():  # Keras defaults: glorot_uniform kernels, zero biases
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def train(X, variational, epochs=50, batch=64, hidden=(256, 128), latent=16, beta=1.0):
    torch.manual_seed(0)
    n, d = X.shape
    model = build(d, hidden, latent, variational)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    steps = (n + batch - 1) // batch
    warmup = 10 * steps
    step = 0
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n)
        for b in range(steps):
            xb = X[perm[b * batch:(b + 1) * batch]]
            h = model["enc"](xb)
            if variational:
                mu, logvar = h[:, :latent], h[:, latent:]
                z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
                out = model["dec"](z)
                rec = ((out - xb) ** 2).sum(dim=1).mean()
                kl = (-0.5 * (1 + logvar - mu ** 2 - logvar.exp())).mean(dim=0)
                w = beta * min(1.0, (step + 1) / warmup)
                loss = rec + w * torch.clamp(kl, min=0.25).sum()
            else:
                out = model["dec"](h)
                loss = ((out - xb) ** 2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
    return time.perf_counter() - start, float(loss)


def main():
    path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    threads = [int(t) for t in sys.argv[4:]] or [1]
    X = torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(rows, cols).copy())
    for t in threads:
        torch.set_num_threads(t)
        for name, variational in (("ae", False), ("vae", True)):
            seconds, loss = train(X, variational)
            print(f"{name} {t} {seconds:.4f} {loss:.6g}", flush=True)


if __name__ == "__main__":
    main()
