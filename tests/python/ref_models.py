"""Independent PyTorch references of the VideoTransformers models, for parity tests.

Every module here has the same parameter and buffer names as its .NET counterpart (see docs/parameter-names.md),
so that a .NET state_dict applies unchanged through torch.nn.utils.stateless.functional_call. Configurations come
as the JSON of a .NET ModelSpec (PascalCase keys, enums as strings).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, dim, heads, attn_dim=None, qkv_bias=True, attn_drop=0.0, proj_drop=0.0):
        super().__init__()
        a = attn_dim or dim
        self.heads, self.a = heads, a
        self.attn_drop, self.proj_drop = attn_drop, proj_drop
        self.qkv = nn.Linear(dim, 3 * a, bias=qkv_bias)
        self.proj = nn.Linear(a, dim)

    def forward(self, x, mask=None):
        lead, (n, d) = x.shape[:-2], x.shape[-2:]
        x = x.reshape(-1, n, d)
        b, dh = x.shape[0], self.a // self.heads
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, dh).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-2, -1)) * dh ** -0.5
        if mask is not None:
            att = att.masked_fill(~mask.reshape(b, 1, 1, n), float("-inf"))
        att = F.dropout(att.softmax(-1), self.attn_drop, self.training)
        out = (att @ v).transpose(1, 2).reshape(b, n, self.a)
        return F.dropout(self.proj(out), self.proj_drop, self.training).reshape(*lead, n, d)


class Mlp(nn.Module):
    def __init__(self, dim, hidden, gelu="none", drop=0.0):
        super().__init__()
        self.fc1, self.fc2, self.gelu, self.drop = nn.Linear(dim, hidden), nn.Linear(hidden, dim), gelu, drop

    def forward(self, x):
        h = F.dropout(F.gelu(self.fc1(x), approximate=self.gelu), self.drop, self.training)
        return F.dropout(self.fc2(h), self.drop, self.training)


class Block(nn.Module):
    def __init__(self, dim, heads, mlp, attn_dim=None, eps=1e-5, gelu="none", pre_norm=True, qkv_bias=True, drop=0.0, attn_drop=0.0):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=eps), Attention(dim, heads, attn_dim, qkv_bias, attn_drop, drop)
        self.norm2, self.mlp = nn.LayerNorm(dim, eps=eps), Mlp(dim, mlp, gelu, drop)
        self.pre_norm = pre_norm

    def forward(self, x, mask=None):
        if self.pre_norm:
            x = x + self.attn(self.norm1(x), mask)
            return x + self.mlp(self.norm2(x))
        x = self.norm1(x + self.attn(x, mask))
        return self.norm2(x + self.mlp(x))


class Encoder(nn.Module):
    def __init__(self, depth, final_norm=True, **kw):
        super().__init__()
        self.blocks = nn.ModuleList([Block(**kw) for _ in range(depth)])
        self.norm = nn.LayerNorm(kw["dim"], eps=kw.get("eps", 1e-5)) if final_norm else None

    def forward(self, x, mask=None):
        for b in self.blocks:
            x = b(x, mask)
        return self.norm(x) if self.norm is not None else x


class PosEmbed(nn.Module):
    def __init__(self, n, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, n, dim))

    def forward(self, x):
        return x + self.weight


class Head(nn.Module):
    def __init__(self, dim, classes, hidden=None, eps=1e-5, drop=0.0):
        super().__init__()
        self.drop = drop
        if hidden:
            self.norm, self.fc1, self.fc = nn.LayerNorm(dim, eps=eps), nn.Linear(dim, hidden), nn.Linear(hidden, classes)
        else:
            self.norm = self.fc1 = None
            self.fc = nn.Linear(dim, classes)

    def forward(self, x):
        if self.fc1 is not None:
            x = F.gelu(self.fc1(self.norm(x)))
        return self.fc(F.dropout(x, self.drop, self.training))


class PatchEmbedding(nn.Module):
    def __init__(self, patch_dim, dim):
        super().__init__()
        self.norm_in, self.proj, self.norm_out = nn.LayerNorm(patch_dim), nn.Linear(patch_dim, dim), nn.LayerNorm(dim)

    def forward(self, x):
        return self.norm_out(self.proj(self.norm_in(x)))


def patchify(video, p):
    b, t, c, h, w = video.shape
    x = video.reshape(b, t, c, h // p, p, w // p, p).permute(0, 1, 3, 5, 2, 4, 6)
    return x.reshape(b, t, (h // p) * (w // p), c * p * p)


class FrameViT(nn.Module):
    def __init__(self, c):
        super().__init__()
        p, d = c["PatchSize"], c["TokenDim"]
        n = (c["ImageHeight"] // p) * (c["ImageWidth"] // p)
        self.p = p
        self.patch_embed = PatchEmbedding(c["Channels"] * p * p, d)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, 1, d))
        self.pos_embed = PosEmbed(n + 1, d)
        self.encoder = Encoder(c["Layers"], dim=d, heads=c["Heads"], mlp=c["MlpDim"], attn_dim=c["AttnDim"])
        self.head = Head(d, c["Classes"], c.get("HeadHidden"))

    def forward(self, video):
        b, t = video.shape[:2]
        x = self.patch_embed(patchify(video, self.p))
        x = torch.cat([self.cls_token.expand(b, t, 1, -1), x], 2)
        x = self.encoder(self.pos_embed(x))
        return self.head(x[:, :, 0].mean(1))


class Tubelet(nn.Module):
    def __init__(self, ch, dim, t, h, w):
        super().__init__()
        self.proj = nn.Conv3d(ch, dim, (t, h, w), (t, h, w))

    def forward(self, video):
        y = self.proj(video.permute(0, 2, 1, 3, 4))          # VALID: trailing remainder dropped
        return y.flatten(3).permute(0, 2, 3, 1)               # [B, nt, ns, D]


class FSABlock(nn.Module):
    def __init__(self, dim, heads, mlp, eps, gelu):
        super().__init__()
        self.norm_s, self.attn_s = nn.LayerNorm(dim, eps=eps), Attention(dim, heads)
        self.norm_t, self.attn_t = nn.LayerNorm(dim, eps=eps), Attention(dim, heads)
        self.norm2, self.mlp = nn.LayerNorm(dim, eps=eps), Mlp(dim, mlp, gelu)

    def forward(self, x):
        x = x + self.attn_s(self.norm_s(x))
        xt = x.transpose(1, 2)
        x = (xt + self.attn_t(self.norm_t(xt))).transpose(1, 2)
        return x + self.mlp(self.norm2(x))


class FDPAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)

    def forward(self, x):
        b, t, n, d = x.shape
        h, dh = self.heads // 2, d // self.heads
        q, k, v = self.qkv(x).reshape(b, t, n, 3, self.heads, dh).unbind(3)     # [B, T, S, H, dh]

        def attend(q, k, v):
            a = (q @ k.transpose(-2, -1)) * dh ** -0.5
            return a.softmax(-1) @ v

        # space heads: sequences over S for each (b, t)
        qs, ks, vs = (z[:, :, :, :h].permute(0, 1, 3, 2, 4) for z in (q, k, v))  # [B, T, h, S, dh]
        space = attend(qs, ks, vs).permute(0, 1, 3, 2, 4)                       # [B, T, S, h, dh]
        # time heads: sequences over T for each (b, s)
        qt, kt, vt = (z[:, :, :, h:].permute(0, 2, 3, 1, 4) for z in (q, k, v))  # [B, S, h, T, dh]
        time = attend(qt, kt, vt).permute(0, 3, 1, 2, 4)                        # [B, T, S, h, dh]
        return self.proj(torch.cat([space, time], 3).reshape(b, t, n, d))


class FDPBlock(nn.Module):
    def __init__(self, dim, heads, mlp, eps, gelu):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=eps), FDPAttention(dim, heads)
        self.norm2, self.mlp = nn.LayerNorm(dim, eps=eps), Mlp(dim, mlp, gelu)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def _window_size(grid, window, shift):
    """Video Swin's get_window_size: a window no larger than the grid, and no shift along an axis it covers."""
    ws, ss = list(window), list(shift)
    for i in range(3):
        if grid[i] <= window[i]:
            ws[i], ss[i] = grid[i], 0
    return tuple(ws), tuple(ss)


def _partition(x, ws):
    """[B, D, H, W, C] -> [B * windows, N, C] (Video Swin's window_partition)."""
    b, d, h, w, c = x.shape
    x = x.view(b, d // ws[0], ws[0], h // ws[1], ws[1], w // ws[2], ws[2], c)
    return x.permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(-1, ws[0] * ws[1] * ws[2], c)


def _reverse(windows, ws, b, d, h, w):
    """The inverse of _partition (Video Swin's window_reverse)."""
    x = windows.view(b, d // ws[0], h // ws[1], w // ws[2], ws[0], ws[1], ws[2], -1)
    return x.permute(0, 1, 4, 2, 5, 3, 6, 7).reshape(b, d, h, w, -1)


def _shift_mask(dp, hp, wp, ws, ss):
    """Video Swin's compute_mask: label the regions of the rolled grid with slices, -100 between different labels."""
    img = torch.zeros(1, dp, hp, wp, 1)
    cnt = 0
    for d in (slice(-ws[0]), slice(-ws[0], -ss[0]), slice(-ss[0], None)):
        for h in (slice(-ws[1]), slice(-ws[1], -ss[1]), slice(-ss[1], None)):
            for w in (slice(-ws[2]), slice(-ws[2], -ss[2]), slice(-ss[2], None)):
                img[:, d, h, w, :] = cnt
                cnt += 1
    mw = _partition(img, ws).squeeze(-1)                      # [windows, N]
    m = mw.unsqueeze(1) - mw.unsqueeze(2)
    return m.masked_fill(m != 0, -100.0).masked_fill(m == 0, 0.0)


def _relative_index(window, table):
    """Swin's relative_position_index for a window, with the offsets laid out for a table sized for `table`."""
    coords = torch.stack(torch.meshgrid(*(torch.arange(n) for n in window), indexing="ij")).flatten(1)   # [3, N]
    rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)                                      # [N, N, 3]
    rel = rel + torch.tensor([table[0] - 1, table[1] - 1, table[2] - 1])
    return rel[..., 0] * (2 * table[1] - 1) * (2 * table[2] - 1) + rel[..., 1] * (2 * table[2] - 1) + rel[..., 2]


class WindowAttention3D(nn.Module):
    """Video Swin (Liu et al. 2022) window attention with the shift, padding and mask of SwinTransformerBlock3D's first
    half, on normalised tokens [B, D, H, W, C]. A window clipped to a smaller grid reads the bias of its own offsets."""

    def __init__(self, dim, heads, window, shifted, qkv_bias=True):
        super().__init__()
        self.window, self.heads = tuple(window), heads
        self.shift = tuple(w // 2 for w in window) if shifted else (0, 0, 0)
        self.scale = (dim // heads) ** -0.5
        w0, w1, w2 = window
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * w0 - 1) * (2 * w1 - 1) * (2 * w2 - 1), heads))
        self.register_buffer("relative_position_index", _relative_index(self.window, self.window))
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, d, h, w, c = x.shape
        ws, ss = _window_size((d, h, w), self.window, self.shift)
        pads = [(ws[i] - n % ws[i]) % ws[i] for i, n in enumerate((d, h, w))]
        x = F.pad(x, (0, 0, 0, pads[2], 0, pads[1], 0, pads[0]))
        _, dp, hp, wp, _ = x.shape
        shifted = any(s > 0 for s in ss)
        if shifted:
            x = torch.roll(x, shifts=(-ss[0], -ss[1], -ss[2]), dims=(1, 2, 3))
        win = _partition(x, ws)
        bw, n, _ = win.shape
        q, k, v = self.qkv(win).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        index = self.relative_position_index if ws == self.window else _relative_index(ws, self.window)
        bias = self.relative_position_bias_table[index.reshape(-1)].reshape(n, n, -1).permute(2, 0, 1)
        attn = attn + bias.unsqueeze(0)
        if shifted:
            mask = _shift_mask(dp, hp, wp, ws, ss).to(attn)
            nw = mask.shape[0]
            attn = (attn.view(bw // nw, nw, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)).view(-1, self.heads, n, n)
        out = self.proj((attn.softmax(-1) @ v).transpose(1, 2).reshape(bw, n, c))
        x = _reverse(out, ws, b, dp, hp, wp)
        if shifted:
            x = torch.roll(x, shifts=ss, dims=(1, 2, 3))
        return x[:, :d, :h, :w].contiguous()


class SwinBlock(nn.Module):
    def __init__(self, dim, heads, mlp, window, shifted, eps, gelu):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=eps), WindowAttention3D(dim, heads, window, shifted)
        self.norm2, self.mlp = nn.LayerNorm(dim, eps=eps), Mlp(dim, mlp, gelu)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class SwinEncoder(nn.Module):
    """One Video Swin stage without patch merging: blocks alternating regular and shifted windows, then a LayerNorm."""

    def __init__(self, depth, window, dim, heads, mlp, eps, gelu):
        super().__init__()
        self.blocks = nn.ModuleList([SwinBlock(dim, heads, mlp, window, i % 2 == 1, eps, gelu) for i in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=eps)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.norm(x)


class SpaceTimePE(nn.Module):
    def __init__(self, t, s, d):
        super().__init__()
        self.space = nn.Parameter(torch.zeros(1, 1, s, d))
        self.time = nn.Parameter(torch.zeros(1, t, 1, d))

    def forward(self, x):
        return x + self.space + self.time


class ViViT(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, eps, gelu = c["Dim"], c["LayerNormEps"], c["Gelu"]
        self.variant, self.cls = c["Variant"], c["Pooling"] == "Cls"
        self.tubelet = Tubelet(c["Channels"], d, c["TubeletT"], c["TubeletH"], c["TubeletW"])
        nt, nh, nw = c["Frames"] // c["TubeletT"], c["ImageHeight"] // c["TubeletH"], c["ImageWidth"] // c["TubeletW"]
        ns, pre = nh * nw, 1 if self.cls else 0
        kw = dict(dim=d, heads=c["Heads"], mlp=c["MlpDim"], eps=eps, gelu=gelu)
        if self.variant == "Joint":
            if self.cls:
                self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
            self.pos_embed = PosEmbed(nt * ns + pre, d)
            self.encoder = Encoder(c["Layers"], **kw)
        elif self.variant == "FactorisedEncoder":
            if self.cls:
                self.cls_token = nn.Parameter(torch.zeros(1, 1, 1, d))
                self.temporal_token = nn.Parameter(torch.zeros(1, 1, d))
            self.pos_embed = PosEmbed(ns + pre, d)
            self.spatial = Encoder(c["Layers"], **kw)
            self.temporal_pos_embed = PosEmbed(nt + pre, d)
            self.temporal = Encoder(c["TemporalLayers"], **kw)
        elif self.variant == "ShiftedWindow":
            self.grid = (nt, nh, nw)
            self.encoder = SwinEncoder(c["Layers"], (c["WindowT"], c["WindowH"], c["WindowW"]), d, c["Heads"], c["MlpDim"], eps, gelu)
        else:
            self.pos_embed = SpaceTimePE(nt, ns, d)
            blk = FSABlock if self.variant == "FactorisedSelfAttention" else FDPBlock
            self.blocks = nn.ModuleList([blk(d, c["Heads"], c["MlpDim"], eps, gelu) for _ in range(c["Layers"])])
            self.norm = nn.LayerNorm(d, eps=eps)
        self.head = Head(d, c["Classes"], c.get("HeadHidden"), eps)

    def forward(self, video):
        x = self.tubelet(video)
        b, nt, ns, d = x.shape
        if self.variant == "Joint":
            x = x.reshape(b, nt * ns, d)
            if self.cls:
                x = torch.cat([self.cls_token.expand(b, 1, d), x], 1)
            x = self.encoder(self.pos_embed(x))
            return self.head(x[:, 0] if self.cls else x.mean(1))
        if self.variant == "FactorisedEncoder":
            if self.cls:
                x = torch.cat([self.cls_token.expand(b, nt, 1, d), x], 2)
            x = self.spatial(self.pos_embed(x))
            f = x[:, :, 0] if self.cls else x.mean(2)
            if self.cls:
                f = torch.cat([self.temporal_token.expand(b, 1, d), f], 1)
            f = self.temporal(self.temporal_pos_embed(f))
            return self.head(f[:, 0] if self.cls else f.mean(1))
        if self.variant == "ShiftedWindow":
            x = self.encoder(x.reshape(b, *self.grid, d))
            return self.head(x.mean((1, 2, 3)))
        x = self.pos_embed(x)
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x).mean((1, 2)))


class ConvPatch(nn.Module):
    def __init__(self, ch, d, p):
        super().__init__()
        self.proj = nn.Conv2d(ch, d, p, p)

    def forward(self, video):
        b, t, c, h, w = video.shape
        y = self.proj(video.reshape(b * t, c, h, w))
        return y.flatten(2).transpose(1, 2).reshape(b, t, -1, y.shape[1])


class DividedBlock(nn.Module):
    """Follows facebookresearch/TimeSformer's Block (divided_space_time) on a flat [B, 1 + S*T, D] layout."""

    def __init__(self, dim, heads, mlp, eps, gelu, qkv_bias):
        super().__init__()
        self.temporal_norm1, self.temporal_attn = nn.LayerNorm(dim, eps=eps), Attention(dim, heads, qkv_bias=qkv_bias)
        self.temporal_fc = nn.Linear(dim, dim)
        self.norm1, self.attn = nn.LayerNorm(dim, eps=eps), Attention(dim, heads, qkv_bias=qkv_bias)
        self.norm2, self.mlp = nn.LayerNorm(dim, eps=eps), Mlp(dim, mlp, gelu)

    def forward(self, x, b, t, s):
        d = x.shape[-1]
        xt = x[:, 1:].reshape(b, s, t, d).reshape(b * s, t, d)                  # (b s) t d
        res_t = self.temporal_attn(self.temporal_norm1(xt)).reshape(b, s * t, d)
        xt = x[:, 1:] + self.temporal_fc(res_t)
        init_cls = x[:, :1]
        cls = init_cls.repeat(1, t, 1).reshape(b * t, 1, d)
        xs = xt.reshape(b, s, t, d).permute(0, 2, 1, 3).reshape(b * t, s, d)   # (b t) s d
        xs = torch.cat([cls, xs], 1)
        res_s = self.attn(self.norm1(xs))
        cls = res_s[:, 0].reshape(b, t, d).mean(1, keepdim=True)
        res_s = res_s[:, 1:].reshape(b, t, s, d).permute(0, 2, 1, 3).reshape(b, s * t, d)
        x = torch.cat([init_cls, xt], 1) + torch.cat([cls, res_s], 1)
        return x + self.mlp(self.norm2(x))


class TimeSformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, eps, gelu = c["Dim"], c["LayerNormEps"], c["Gelu"]
        self.att = c["Attention"]
        p = c["PatchSize"]
        s = (c["ImageHeight"] // p) * (c["ImageWidth"] // p)
        self.patch_embed = ConvPatch(c["Channels"], d, p)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = PosEmbed(s + 1, d)
        if self.att != "SpaceOnly":
            self.time_embed = PosEmbed(c["Frames"], d)
        if self.att == "DividedSpaceTime":
            self.blocks = nn.ModuleList([DividedBlock(d, c["Heads"], c["MlpDim"], eps, gelu, c["QkvBias"]) for _ in range(c["Layers"])])
        else:
            self.blocks = nn.ModuleList([Block(d, c["Heads"], c["MlpDim"], eps=eps, gelu=gelu, qkv_bias=c["QkvBias"]) for _ in range(c["Layers"])])
        self.norm = nn.LayerNorm(d, eps=eps)
        self.head = Head(d, c["Classes"], c.get("HeadHidden"), eps)

    def forward(self, video):
        x = self.patch_embed(video)                                            # [B, T, S, D]
        b, t, s, d = x.shape
        x = x.reshape(b * t, s, d)
        x = self.pos_embed(torch.cat([self.cls_token.expand(b * t, 1, d), x], 1))  # [(b t), 1+S, D]
        if self.att == "SpaceOnly":
            for blk in self.blocks:
                x = blk(x)
            x = x.reshape(b, t, s + 1, d).mean(1)
            return self.head(self.norm(x)[:, 0])
        cls = x.reshape(b, t, s + 1, d)[:, 0, :1]                              # frame 0's CLS of each sample
        x = x[:, 1:].reshape(b, t, s, d).permute(0, 2, 1, 3).reshape(b * s, t, d)
        x = self.time_embed(x).reshape(b, s * t, d)                            # (b s) t d -> b (s t) d
        x = torch.cat([cls, x], 1)
        for blk in self.blocks:
            x = blk(x, b, t, s) if self.att == "DividedSpaceTime" else blk(x)
        return self.head(self.norm(x)[:, 0])


class CnnFrameEncoder(nn.Module):
    def __init__(self, ch, feats, w):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(ch, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w)
        self.conv2, self.bn2 = nn.Conv2d(w, 2 * w, 3, 1, 1, bias=False), nn.BatchNorm2d(2 * w)
        self.conv3, self.bn3 = nn.Conv2d(2 * w, 4 * w, 3, 1, 1, bias=False), nn.BatchNorm2d(4 * w)
        self.fc = nn.Linear(4 * w, feats)

    def forward(self, video):
        b, t, c, h, w = video.shape
        x = video.reshape(b * t, c, h, w)
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.bn3(self.conv3(x))).mean((2, 3))
        return self.fc(x).reshape(b, t, -1)


class ActionBert(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["Dim"]
        fe = c.get("FrameEncoder")
        self.frame_encoder = CnnFrameEncoder(fe["Channels"], c["FeatureDim"], fe["CnnWidth"]) if fe else None
        self.feature_proj = nn.Linear(c["FeatureDim"], d)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = PosEmbed(c["MaxLength"] + 1, d)
        self.emb_norm = nn.LayerNorm(d, eps=c["LayerNormEps"])
        self.drop = c.get("Dropout", 0.0)
        self.encoder = Encoder(c["Layers"], final_norm=False, dim=d, heads=c["Heads"], mlp=c["MlpDim"], eps=c["LayerNormEps"], pre_norm=False,
                               drop=self.drop, attn_drop=c.get("AttnDropout", 0.0))
        self.head = Head(d, c["Classes"], drop=self.drop)

    def forward(self, x, lengths=None):
        if self.frame_encoder is not None:
            x = self.frame_encoder(x)
        b, t, _ = x.shape
        x = torch.cat([self.cls_token.expand(b, 1, -1), self.feature_proj(x)], 1)
        x = F.dropout(self.emb_norm(x + self.pos_embed.weight[:, : t + 1]), self.drop, self.training)
        mask = None
        if lengths is not None:
            mask = torch.arange(t + 1).unsqueeze(0) <= lengths.unsqueeze(1)
        return self.head(self.encoder(x, mask)[:, 0])


class Rnn(nn.Module):
    def __init__(self, c, with_cnn):
        super().__init__()
        fe = c.get("FrameEncoder")
        if with_cnn:
            self.frame_encoder = CnnFrameEncoder(fe["Channels"], c["FeatureDim"], fe["CnnWidth"])
        self.lstm = nn.LSTM(c["FeatureDim"], c["Hidden"], c["Layers"], batch_first=True, bidirectional=True)
        self.head = Head(2 * c["Hidden"], c["Classes"])
        self.with_cnn = with_cnn

    def forward(self, x):
        if self.with_cnn:
            x = self.frame_encoder(x)
        # nn.LSTM caches its weights in _flat_weights, which functional_call (torch 1.13) does not update:
        # call the op with the module's current attributes instead.
        l = self.lstm
        weights = [getattr(l, n) for n in l._flat_weights_names]
        h0 = x.new_zeros(l.num_layers * 2, x.shape[0], l.hidden_size)
        _, h, _ = torch.lstm(x, (h0, h0), weights, True, l.num_layers, 0.0, False, True, True)
        return self.head(torch.cat([h[-2], h[-1]], 1))


def build(spec):
    m = spec["Model"]
    if m == "frame-vit":
        return FrameViT(spec["FrameViT"])
    if m == "vivit":
        return ViViT(spec["ViViT"])
    if m == "timesformer":
        return TimeSformer(spec["TimeSformer"])
    if m == "actionbert":
        return ActionBert(spec["ActionBert"])
    if m == "bilstm":
        return Rnn(spec["Rnn"], False)
    if m == "cnn-lstm":
        return Rnn(spec["Rnn"], True)
    raise ValueError(f"unknown model {m}")
