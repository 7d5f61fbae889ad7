using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// 3-D shifted-window attention in the style of the Video Swin Transformer (Liu et al., CVPR 2022), as a ViViT attention
/// variant over the tubelet grid: the tokens [B, T, H, W, D] are split into non-overlapping windows of
/// <see cref="ViViTConfig.WindowT"/>×<see cref="ViViTConfig.WindowH"/>×<see cref="ViViTConfig.WindowW"/> tokens, each
/// block attends within windows with a learned relative position bias, and every other block first shifts the grid
/// cyclically by half a window, so that windows straddle the previous block's boundaries (tokens that the shift brought
/// together from opposite ends are masked apart). One stage at the tubelet resolution: there is no patch merging, so
/// this is Video Swin's block and attention, not its four-stage hierarchy. No absolute position embedding and no CLS
/// token, as in Video Swin: the clip is the mean of the final tokens.
/// <para>
/// Parts: <c>encoder</c>, a <see cref="TransformerEncoder"/> whose blocks hold a <see cref="WindowAttention3D"/> as
/// <c>attn</c> (<c>encoder.blocks.{i}.attn.relative_position_bias_table</c>, <c>.relative_position_index</c>,
/// <c>.qkv</c>, <c>.proj</c>), and <c>encoder.norm</c>.
/// </para>
/// </summary>
public sealed class ViViTShiftedWindow : ViViTVariant
{
    private ViViTShiftedWindow() { }

    /// <summary>The variant.</summary>
    public static ViViTShiftedWindow Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "ShiftedWindow";
    /// <inheritdoc />
    public override string Name => "shifted-window";
    /// <inheritdoc />
    public override IReadOnlyList<string> Aliases => ["swin"];
    /// <inheritdoc />
    public override string Description =>
        "Video Swin: attention within 3-D windows with a relative position bias, shifted by half a window in every other block (mean pooling)";
    /// <inheritdoc />
    public override bool HasClsToken => false;

    /// <inheritdoc />
    public override ViViTEncoder Build(ViViTConfig config, (long t, long h, long w) grid, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var window = Window(config);
        // Blocks 0, 2, … attend in regular windows, blocks 1, 3, … in windows shifted by half (Video Swin's BasicLayer).
        var encoder = parts.Add("encoder", new TransformerEncoder(config.ToTransformerOptions(), config.Layers,
            attention: (o, i) => new WindowAttention3D(o.Dim, o.Heads, window, shifted: i % 2 == 1, o.AttnDropout, o.Dropout, o.QkvBias)));
        return new Encoder(config, encoder);
    }

    /// <inheritdoc />
    public override long EncoderFlops(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.Dim, m = config.MlpDim, tokens = grid.t * grid.h * grid.w;
        // Shifting moves tokens but not the window count, so every block costs the same: Q/K/V, the products and the
        // output projection over the padded grid's windows, the MLP over the real tokens.
        var g = Geometry(grid, Window(config), shifted: false);
        return config.Layers * (Flops.Attention(g.Windows, g.Volume, d, d) + Flops.Linear(tokens, d, m) + Flops.Linear(tokens, m, d));
    }

    /// <inheritdoc />
    public override AttentionReadout? AttentionMap(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        var last = config.Layers - 1;
        var g = Geometry(grid, Window(config), shifted: last % 2 == 1);
        return new AttentionReadout($"encoder.blocks.{last}.attn", grid.t, grid.h, grid.w, "mean attention received within its window, mean over heads",
            kept =>
            {
                // kept: [B, windows, heads, N, N] → mean over heads and queries: what each key receives, [B, windows, N].
                var received = kept.mean(new long[] { 2 }).mean(new long[] { 2 });
                return Unwindow(received.unsqueeze(-1), g).squeeze(-1);                           // [B, T, H, W]
            });
    }

    private static (long t, long h, long w) Window(ViViTConfig c) =>
        c.WindowT >= 1 && c.WindowH >= 1 && c.WindowW >= 1 ? (c.WindowT, c.WindowH, c.WindowW)
            : throw ThrowHelper.Config($"The attention window must be at least 1×1×1 tokens, got {c.WindowT}×{c.WindowH}×{c.WindowW}.");

    /// <summary>
    /// Where the windows of a grid fall: Video Swin's get_window_size (a window no larger than the grid, and no shift
    /// along an axis that one window covers), and the grid padded at its far end to whole windows.
    /// </summary>
    internal readonly record struct WindowGeometry((long t, long h, long w) Grid, (long t, long h, long w) Window, (long t, long h, long w) Shift,
        (long t, long h, long w) Padded)
    {
        /// <summary>Windows per clip.</summary>
        public long Windows => Padded.t / Window.t * (Padded.h / Window.h) * (Padded.w / Window.w);
        /// <summary>Tokens per window.</summary>
        public long Volume => Window.t * Window.h * Window.w;
        /// <summary>True when the grid is rolled before partitioning.</summary>
        public bool Shifted => Shift.t > 0 || Shift.h > 0 || Shift.w > 0;
        /// <summary>True when the grid is padded to whole windows.</summary>
        public bool Padding => Padded != Grid;
    }

    internal static WindowGeometry Geometry((long t, long h, long w) grid, (long t, long h, long w) window, bool shifted)
    {
        static (long size, long shift, long padded) Axis(long n, long w, bool shifted)
        {
            var size = Math.Min(n, w);
            var shift = shifted && n > w ? w / 2 : 0;
            return (size, shift, (n + size - 1) / size * size);
        }
        var (wt, st, pt) = Axis(grid.t, window.t, shifted);
        var (wh, sh, ph) = Axis(grid.h, window.h, shifted);
        var (ww, sw, pw) = Axis(grid.w, window.w, shifted);
        return new(grid, (wt, wh, ww), (st, sh, sw), (pt, ph, pw));
    }

    /// <summary>[B, T, H, W, C] → [B, windows, N, C], windows in (t, h, w) order, tokens in each window likewise.</summary>
    private static Tensor Windows(Tensor x, WindowGeometry g)
    {
        var (wt, wh, ww) = g.Window;
        var (pt, ph, pw) = g.Padded;
        var c = x.size(-1);
        return x.reshape(x.size(0), pt / wt, wt, ph / wh, wh, pw / ww, ww, c).permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(x.size(0), g.Windows, g.Volume, c);
    }

    /// <summary>The inverse of <see cref="Windows"/>, then the shift undone and the padding cut: [B, windows, N, C] → [B, T, H, W, C].</summary>
    private static Tensor Unwindow(Tensor windows, WindowGeometry g)
    {
        var (wt, wh, ww) = g.Window;
        var (pt, ph, pw) = g.Padded;
        long b = windows.size(0), c = windows.size(-1);
        var x = windows.reshape(b, pt / wt, ph / wh, pw / ww, wt, wh, ww, c).permute(0, 1, 4, 2, 5, 3, 6, 7).reshape(b, pt, ph, pw, c);
        if (g.Shifted) x = x.roll(new[] { g.Shift.t, g.Shift.h, g.Shift.w }, new long[] { 1, 2, 3 });
        if (g.Padding) x = x.narrow(1, 0, g.Grid.t).narrow(2, 0, g.Grid.h).narrow(3, 0, g.Grid.w);
        return x;
    }

    /// <summary>
    /// Window multi-head self-attention over tokens [B, T, H, W, D] (W-MSA, or SW-MSA when shifted), as Video Swin's
    /// WindowAttention3D inside its SwinTransformerBlock3D's attention half: pad the grid to whole windows, roll it by
    /// −shift, attend within each window with softmax(q kᵀ/√d + B + M) v, where B is read from a learned table of one
    /// bias per head and relative offset ((2Wt−1)(2Wh−1)(2Ww−1) rows) through a fixed index buffer, and M is −100
    /// between tokens that the roll brought together from different regions, then undo the roll and cut the padding.
    /// Where the grid is smaller than the window, the window shrinks to it and that axis is not shifted; the bias of
    /// the smaller window is read with the full window's offsets (the official code slices the index to [:N, :N], which
    /// is the same whenever only the time axis shrinks). Parameters: <c>relative_position_bias_table</c>, <c>qkv</c>,
    /// <c>proj</c>; buffer: <c>relative_position_index</c>.
    /// </summary>
    public sealed class WindowAttention3D : SelfAttention
    {
        private readonly Parameter relative_position_bias_table;
        private readonly Tensor relative_position_index;
        private readonly Linear qkv;
        private readonly Linear proj;
        private readonly Dictionary<(long, long, long), long[]> _smallerWindows = [];

        /// <summary>Creates the layer for windows of <paramref name="window"/> tokens, shifted by half a window when <paramref name="shifted"/>.</summary>
        public WindowAttention3D(long dim, long heads, (long t, long h, long w) window, bool shifted, double attnDropout = 0, double projDropout = 0,
            bool qkvBias = true) : base(nameof(WindowAttention3D), dim)
        {
            if (heads <= 0 || dim % heads != 0) throw ThrowHelper.Config($"WindowAttention3D: the dimension {dim} must be divisible by the number of heads {heads}.");
            if (window.t < 1 || window.h < 1 || window.w < 1)
                throw ThrowHelper.Config($"WindowAttention3D: the window must be at least 1×1×1 tokens, got {window.t}×{window.h}×{window.w}.");
            Heads = heads;
            HeadDim = dim / heads;
            Scale = 1.0 / Math.Sqrt(HeadDim);
            Window = window;
            Shifted = shifted;
            AttnDropout = attnDropout;
            ProjDropout = projDropout;
            // No dispose scope here: TorchSharp disposes a Parameter created inside one when it ends.
            relative_position_bias_table = Init.trunc_normal_parameter(0.02, (2 * window.t - 1) * (2 * window.h - 1) * (2 * window.w - 1), heads);
            relative_position_index = tensor(RelativeIndex(window), new[] { Volume(window), Volume(window) });
            qkv = nn.Linear(dim, 3 * dim, qkvBias);
            proj = nn.Linear(dim, dim);
            RegisterComponents();
        }

        /// <summary>Heads.</summary>
        public long Heads { get; }
        /// <summary>Head size.</summary>
        public long HeadDim { get; }
        /// <summary>1/√head size.</summary>
        public double Scale { get; }
        /// <summary>The window (time, height, width) in tokens, before it is fitted to a grid.</summary>
        public (long t, long h, long w) Window { get; }
        /// <summary>True for the shifted-window blocks (SW-MSA).</summary>
        public bool Shifted { get; }
        /// <summary>Dropout on attention weights.</summary>
        public double AttnDropout { get; }
        /// <summary>Dropout after the output projection.</summary>
        public double ProjDropout { get; }

        /// <summary>
        /// Attends within the windows of <paramref name="x"/> [B, T, H, W, D] and returns the same shape. Window
        /// attention has no key mask. <see cref="SelfAttention.LastAttention"/> keeps [B, windows, heads, N, N].
        /// </summary>
        public override Tensor Attend(Tensor x, Tensor? keyMask)
        {
            if (keyMask is not null) throw new NotSupportedException("WindowAttention3D has no key mask (its tokens form a full space-time grid).");
            var s = ThrowHelper.CheckRank(this, x, 5, nameof(WindowAttention3D), $"[B, T, H, W, {Dim}]");
            ThrowHelper.CheckDim(s, 4, Dim, nameof(WindowAttention3D), $"[B, T, H, W, {Dim}]");
            var g = Geometry((s[1], s[2], s[3]), Window, Shifted);
            long b = s[0], nw = g.Windows, n = g.Volume;
            using var scope = NewDisposeScope();
            var y = x;
            // F.pad lists the last dimension first: nothing on D, then the far end of W, H and T.
            if (g.Padding) y = nn.functional.pad(y, new[] { 0, 0, 0, g.Padded.w - g.Grid.w, 0, g.Padded.h - g.Grid.h, 0, g.Padded.t - g.Grid.t });
            if (g.Shifted) y = y.roll(new[] { -g.Shift.t, -g.Shift.h, -g.Shift.w }, new long[] { 1, 2, 3 });
            var qkvOut = qkv.forward(Windows(y, g)).reshape(b, nw, n, 3, Heads, HeadDim).permute(3, 0, 1, 4, 2, 5).unbind(0);   // 3 × [B, nW, heads, N, dh]
            var bias = RelativeBias(g.Window);                                                                       // [heads, N, N]
            if (g.Shifted) bias = bias + ShiftMask(g, x.device, x.dtype).unsqueeze(1);                               // [nW, heads, N, N]
            var (ctx, attn) = Attention.ScaledDotProduct(qkvOut[0], qkvOut[1], qkvOut[2], Scale, null, training ? AttnDropout : 0, bias);
            Keep(attn);
            var outWindows = proj.forward(ctx.transpose(2, 3).reshape(b, nw, n, Dim));
            if (training && ProjDropout > 0) outWindows = FastDropout.dropout(outWindows, ProjDropout);
            return scope.MoveToOuter(Unwindow(outWindows, g).contiguous());
        }

        /// <summary>The bias of every head between every two tokens of a window of <paramref name="window"/> tokens, [heads, N, N].</summary>
        private Tensor RelativeBias((long t, long h, long w) window)
        {
            var n = Volume(window);
            var index = window == Window ? relative_position_index
                : tensor(SmallerWindowIndex(window), new[] { n, n }, device: relative_position_bias_table.device);
            return relative_position_bias_table.index_select(0, index.reshape(-1)).reshape(n, n, Heads).permute(2, 0, 1);
        }

        private long[] SmallerWindowIndex((long t, long h, long w) window)
        {
            if (!_smallerWindows.TryGetValue(window, out var index)) _smallerWindows[window] = index = RelativeIndex(window, Window);
            return index;
        }

        /// <summary>
        /// −100 between tokens of a window that came from different regions of the rolled grid, 0 elsewhere, [windows, N, N].
        /// Along a shifted axis of padded length L the regions are [0, L − window), [L − window, L − shift) and [L − shift, L).
        /// </summary>
        private static Tensor ShiftMask(WindowGeometry g, Device device, ScalarType dtype)
        {
            static long Region(long i, long length, long window, long shift) => shift == 0 || i < length - window ? 0 : i < length - shift ? 1 : 2;
            var (pt, ph, pw) = g.Padded;
            var region = new long[pt * ph * pw];
            for (long t = 0, k = 0; t < pt; t++)
            for (long h = 0; h < ph; h++)
            for (long w = 0; w < pw; w++, k++)
                region[k] = 9 * Region(t, pt, g.Window.t, g.Shift.t) + 3 * Region(h, ph, g.Window.h, g.Shift.h) + Region(w, pw, g.Window.w, g.Shift.w);
            using var scope = NewDisposeScope();
            var labels = Windows(tensor(region, new[] { 1, pt, ph, pw, 1 }, device: device), g).reshape(g.Windows, g.Volume);   // [nW, N]
            var apart = labels.unsqueeze(2).ne(labels.unsqueeze(1));
            return scope.MoveToOuter(zeros(new[] { g.Windows, g.Volume, g.Volume }, dtype, device).masked_fill(apart, -100.0));
        }

        private static long Volume((long t, long h, long w) window) => window.t * window.h * window.w;

        /// <summary>
        /// For every query i and key j of a window of <paramref name="window"/> tokens, the row of the bias table of a
        /// <paramref name="table"/>-sized window that holds their offset (Δt, Δh, Δw): the offsets, each made
        /// non-negative, as digits of the mixed radix (2Wt−1, 2Wh−1, 2Ww−1).
        /// </summary>
        private static long[] RelativeIndex((long t, long h, long w) window, (long t, long h, long w)? table = null)
        {
            var (tt, th, tw) = table ?? window;
            var n = Volume(window);
            var coords = new (long t, long h, long w)[n];
            for (long t = 0, k = 0; t < window.t; t++)
            for (long h = 0; h < window.h; h++)
            for (long w = 0; w < window.w; w++)
                coords[k++] = (t, h, w);
            var index = new long[n * n];
            for (long i = 0; i < n; i++)
            for (long j = 0; j < n; j++)
            {
                var (a, b) = (coords[i], coords[j]);
                index[i * n + j] = ((a.t - b.t + tt - 1) * (2 * th - 1) + (a.h - b.h + th - 1)) * (2 * tw - 1) + (a.w - b.w + tw - 1);
            }
            return index;
        }
    }

    private sealed class Encoder(ViViTConfig config, TransformerEncoder encoder) : ViViTEncoder
    {
        public override Tensor Forward(Tensor tokens, (long t, long h, long w) grid, bool training)
        {
            using var scope = NewDisposeScope();
            var s = tokens.shape;
            var x = Dropout(tokens.reshape(s[0], grid.t, grid.h, grid.w, s[3]), config.Dropout, training);    // [B, T, H, W, D]
            return scope.MoveToOuter(encoder.forward(x).mean(new long[] { 1, 2, 3 }));
        }
    }
}
