"""Reference cases for torch.optim and torch.optim.lr_scheduler (see OptimizerParityTests.cs)."""
import torch

from reference_registry import case

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def warmup_cosine(opt, warmup_steps, total_steps, min_lr, warmup_start_factor):
    """Linear warmup then cosine decay, composed from PyTorch's own schedulers."""
    lrs = torch.optim.lr_scheduler
    return lrs.SequentialLR(opt, [
        lrs.LinearLR(opt, start_factor=warmup_start_factor, end_factor=1.0, total_iters=warmup_steps),
        lrs.CosineAnnealingLR(opt, T_max=total_steps - warmup_steps, eta_min=min_lr),
    ], milestones=[warmup_steps])


SCHEDULERS = {"step": torch.optim.lr_scheduler.StepLR, "cosine": torch.optim.lr_scheduler.CosineAnnealingLR,
              "warmup_cosine": warmup_cosine}


def synthetic_loss(params, X, Y):
    """The deterministic loss both sides minimise (OptimizerParityTests.SyntheticLoss mirrors it)."""
    w, b = params["w"], params["b"]
    return (X @ w + b - Y).pow(2.0).mean() + 0.01 * w.pow(4.0).sum()


@case("optimizer_trajectory")
def optimizer_trajectory(t, a):
    """Runs `steps` optimizer steps from the sent weights; returns every parameter after every step."""
    params = {n: t[n].detach().clone().requires_grad_(True) for n in ("w", "b")}
    groups = [dict(g.get("options") or {}, params=[params[n] for n in g["params"]]) for g in a["groups"]]
    opt = OPTIMIZERS[a["kind"]](groups, **a["options"])
    out = {}
    for step in range(1, a["steps"] + 1):
        opt.zero_grad()
        synthetic_loss(params, t["X"], t["Y"]).backward()
        opt.step()
        for n, p in params.items():
            out[f"step{step}.{n}"] = p.detach().clone()
    return out


@case("lr_schedule")
def lr_schedule(t, a):
    """Learning rate of every group at epochs 0..epochs, as a float64 tensor [epochs + 1, groups]."""
    params = [torch.zeros(1, requires_grad=True) for _ in a["lrs"]]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, a["lrs"])], lr=a["lrs"][0])
    sched = SCHEDULERS[a["kind"]](opt, **a["options"])
    rows = [[g["lr"] for g in opt.param_groups]]
    for _ in range(a["epochs"]):
        opt.step()
        sched.step()
        rows.append([g["lr"] for g in opt.param_groups])
    return {"lr": torch.tensor(rows, dtype=torch.float64)}


@case("clip_grad_norm")
def clip_grad_norm(t, a):
    """Clips the gradients g0, g1, ... of parameters p0, p1, ...; returns the clipped gradients and the total norm."""
    names = sorted(k[1:] for k in t if k.startswith("p"))
    params = [t["p" + n].detach().clone().requires_grad_(True) for n in names]
    for p, n in zip(params, names):
        p.grad = t["g" + n].clone()
    norm_type = float("inf") if a["norm_type"] == "inf" else a["norm_type"]
    total = torch.nn.utils.clip_grad_norm_(params, a["max_norm"], norm_type)
    out = {"g" + n: p.grad for p, n in zip(params, names)}
    out["total_norm"] = total.to(torch.float64)
    return out
