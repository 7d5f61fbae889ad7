using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Models;
using VideoTransformers.Zoo;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;
using WindowAttention3D = VideoTransformers.Models.ViViTShiftedWindow.WindowAttention3D;

namespace VideoTransformers.Tests;

/// <summary>
/// The shifted-window variant's structure, checked without the reference: which tokens can see which (windows, the
/// shift and its mask), the window fitted to small grids, the relative position index, and its attention map.
/// </summary>
public class ShiftedWindowTests
{
    /// <summary>The tokens of [1, T, H, W, D] whose output moves when the input token at <paramref name="at"/> changes.</summary>
    private static HashSet<(long, long, long)> Reached(WindowAttention3D attn, long[] grid, (long t, long h, long w) at)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(new[] { 1, grid[0], grid[1], grid[2], attn.Dim });
        var y = attn.forward(x);
        var x2 = x.clone();
        x2[0, at.t, at.h, at.w] += 1.0;
        var moved = (attn.forward(x2) - y).abs().amax(new long[] { 0, 4 });                 // [T, H, W]
        var reached = new HashSet<(long, long, long)>();
        for (long t = 0; t < grid[0]; t++)
        for (long h = 0; h < grid[1]; h++)
        for (long w = 0; w < grid[2]; w++)
            if (moved[t, h, w].ToSingle() > 1e-6f) reached.Add((t, h, w));
        return reached;
    }

    private static HashSet<(long, long, long)> Box((long t, long h, long w) from, (long t, long h, long w) to)
    {
        var box = new HashSet<(long, long, long)>();
        for (var t = from.t; t <= to.t; t++)
        for (var h = from.h; h <= to.h; h++)
        for (var w = from.w; w <= to.w; w++)
            box.Add((t, h, w));
        return box;
    }

    [Fact]
    public void Regular_windows_keep_tokens_apart()
    {
        manual_seed(31);
        using var attn = new WindowAttention3D(8, 2, (2, 2, 2), shifted: false);
        attn.eval();
        Reached(attn, [4, 4, 4], (1, 2, 3)).Should().BeEquivalentTo(Box((0, 2, 2), (1, 3, 3)), "a token reaches exactly its own 2×2×2 window");
    }

    [Fact]
    public void Shifted_windows_straddle_the_regular_ones_and_the_mask_keeps_wrapped_tokens_apart()
    {
        manual_seed(32);
        using var attn = new WindowAttention3D(8, 2, (2, 2, 2), shifted: true);
        attn.eval();
        // Rolled by −1, token (1, 1, 1) opens the first window: it shares it with (1..2)³, all from the same region.
        Reached(attn, [4, 4, 4], (1, 1, 1)).Should().BeEquivalentTo(Box((1, 1, 1), (2, 2, 2)));
        // Token (0, 0, 0) wraps round to the far corner; its window-mates came from the other end of every axis, so
        // the mask leaves it alone.
        Reached(attn, [4, 4, 4], (0, 0, 0)).Should().BeEquivalentTo(Box((0, 0, 0), (0, 0, 0)));
        // Token (3, 1, 1) wraps along time only: it shares its window with the tokens of the same time step.
        Reached(attn, [4, 4, 4], (3, 1, 1)).Should().BeEquivalentTo(Box((3, 1, 1), (3, 2, 2)));
    }

    [Fact]
    public void A_window_larger_than_the_grid_shrinks_to_it_and_does_not_shift()
    {
        manual_seed(33);
        using var regular = new WindowAttention3D(8, 2, (2, 7, 7), shifted: false);
        using var shifted = new WindowAttention3D(8, 2, (2, 7, 7), shifted: true);
        shifted.load_state_dict(regular.state_dict());
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(new long[] { 2, 2, 3, 5, 8 });
        (shifted.forward(x) - regular.forward(x)).abs().max().ToSingle().Should().Be(0f, "with one window over the whole grid there is nothing to shift");
        Reached(regular, [2, 3, 5], (0, 0, 0)).Should().HaveCount(2 * 3 * 5, "one window covers the grid");
    }

    [Fact]
    public void The_relative_position_index_depends_on_the_offset_only_and_covers_the_table()
    {
        using var attn = new WindowAttention3D(8, 2, (2, 3, 4), shifted: false);
        var state = attn.state_dict();
        var index = state["relative_position_index"];
        index.dtype.Should().Be(ScalarType.Int64);
        index.shape.Should().Equal(24, 24);
        state["relative_position_bias_table"].shape.Should().Equal(3 * 5 * 7, 2);
        var coords = (from t in Enumerable.Range(0, 2) from h in Enumerable.Range(0, 3) from w in Enumerable.Range(0, 4) select (t, h, w)).ToArray();
        var byOffset = new Dictionary<(int, int, int), long>();
        for (var i = 0; i < 24; i++)
        for (var j = 0; j < 24; j++)
        {
            var offset = (coords[i].t - coords[j].t, coords[i].h - coords[j].h, coords[i].w - coords[j].w);
            var row = index[i, j].ToInt64();
            if (byOffset.TryGetValue(offset, out var seen)) row.Should().Be(seen, $"offset {offset}");
            else byOffset[offset] = row;
        }
        byOffset.Values.Should().OnlyHaveUniqueItems("different offsets read different rows");
        byOffset.Should().HaveCount(3 * 5 * 7, "every row of the table is some offset's");
        byOffset.Values.Should().OnlyContain(r => r >= 0 && r < 3 * 5 * 7);
    }

    [Fact]
    public void The_index_stays_an_integer_buffer_when_the_model_changes_dtype_and_a_checkpoint_carries_it()
    {
        using var model = new ViViT(SmallModels.ShiftedWindow);
        model.to(ScalarType.Float64);
        var buffers = model.named_buffers().ToList();
        buffers.Select(b => b.name).Should().Equal("encoder.blocks.0.attn.relative_position_index", "encoder.blocks.1.attn.relative_position_index");
        buffers.Should().OnlyContain(b => b.buffer.dtype == ScalarType.Int64);
        model.state_dict().Keys.Should().Contain("encoder.blocks.1.attn.relative_position_index");
        using var scope = NewDisposeScope();
        model.forward(randn(new long[] { 1, 8, 1, 48, 32 }, ScalarType.Float64)).shape.Should().Equal(1, 5);
    }

    [Fact]
    public void Clips_of_other_sizes_run_without_position_embeddings_to_resize()
    {
        manual_seed(34);
        using var model = new ViViT(SmallModels.ShiftedWindow);
        model.eval();
        using var scope = NewDisposeScope();
        foreach (var shape in new[] { new long[] { 2, 8, 1, 48, 32 }, [1, 4, 1, 16, 16], [1, 14, 1, 80, 48] })
            model.forward(randn(shape)).shape.Should().Equal(shape[0], 5);
    }

    [Fact]
    public void Window_attention_refuses_a_key_mask()
    {
        using var attn = new WindowAttention3D(8, 2, (2, 2, 2), shifted: false);
        using var scope = NewDisposeScope();
        var act = () => attn.Attend(randn(new long[] { 1, 2, 2, 2, 8 }), ones(new long[] { 1, 8 }, ScalarType.Bool));
        act.Should().Throw<NotSupportedException>().WithMessage("WindowAttention3D has no key mask*");
    }

    [Fact]
    public void The_attention_map_gives_each_window_a_total_of_one_and_undoes_the_shift()
    {
        manual_seed(35);
        // 4×4×4 tokens in 2×2×2 windows: the last of two blocks is shifted; there is no padding, so the mean attention
        // each token receives sums to one per window, eight in all.
        var config = SmallModels.ShiftedWindow with { ImageHeight = 64, ImageWidth = 64, WindowT = 2, WindowH = 2, WindowW = 2 };
        using var model = new ViViT(config);
        model.TokenGrid.Should().Be((4L, 4L, 4L));
        using var scope = NewDisposeScope();
        AttentionMaps.Supports(model).Should().BeTrue();
        var map = AttentionMaps.Compute(model, randn(new long[] { 1, 8, 1, 64, 64 }));
        (map.Frames, map.Height, map.Width).Should().Be((4, 4, 4));
        map.Source.Should().Be("encoder.blocks.1.attn, mean attention received within its window, mean over heads");
        map.Values.Sum().Should().BeApproximately(8f, 1e-4f);
        map.Values.Should().OnlyContain(v => v >= 0 && v <= 1);
    }

    [Fact]
    public void The_variant_is_registered_by_its_names_and_its_spec_builds_through_the_zoo()
    {
        ModelRegistry.Family("vivit").Variant("shifted-window").Should().BeSameAs(ViViTShiftedWindow.Instance);
        ModelZoo.ParseViViTVariant("swin").Should().BeSameAs(ViViTShiftedWindow.Instance);
        var spec = ModelZoo.ForData("vivit", "shifted-window", 16, 1, 32, 32, 6);
        spec.ViViT!.Pooling.Should().Be(Pooling.Mean, "the variant has no CLS token");
        using var model = spec.Build();
        model.Should().BeOfType<ViViT>();
        var cls = () => new ViViT(SmallModels.ShiftedWindow with { Pooling = Pooling.Cls });
        cls.Should().Throw<ArgumentException>().WithMessage("ViViT ShiftedWindow has no CLS token*");
    }
}
