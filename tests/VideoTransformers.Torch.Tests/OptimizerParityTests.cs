using System.Globalization;
using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using static VideoTransformers.Torch.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// Optimizers and learning-rate schedules against torch.optim (tests/python/cases_optim.py), plus exact resume
/// through optimizer state_dict → torch.save → torch.load → load_state_dict.
/// </summary>
[Collection(PythonReferenceFixture.Collection)]
public class OptimizerParityTests(PythonReferenceFixture py) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vt-optim-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    /// <summary>One optimizer configuration; <see cref="PythonOptions"/> spells it the way torch.optim takes it.</summary>
    public sealed record OptimCase(string Kind, double Lr, double Momentum = 0, double Dampening = 0, bool Nesterov = false,
        double WeightDecay = 0, bool AmsGrad = false, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double SecondGroupLr = 0.02)
    {
        public object PythonOptions => Kind == "sgd"
            ? new Dictionary<string, object> { ["lr"] = Lr, ["momentum"] = Momentum, ["dampening"] = Dampening, ["nesterov"] = Nesterov, ["weight_decay"] = WeightDecay }
            : new Dictionary<string, object> { ["lr"] = Lr, ["betas"] = new[] { Beta1, Beta2 }, ["eps"] = Eps, ["weight_decay"] = WeightDecay, ["amsgrad"] = AmsGrad };

        /// <summary>Group 0 holds w with the optimizer's defaults; group 1 holds b with its own lr and no weight decay.</summary>
        public optim.Optimizer Create(nn.Parameter w, nn.Parameter b)
        {
            optim.ParamGroup[] groups = [new([w]), new([b], lr: SecondGroupLr, weight_decay: 0)];
            return Kind switch
            {
                "sgd" => new optim.SGD(groups, Lr, Momentum, Dampening, WeightDecay, Nesterov),
                "adam" => new optim.Adam(groups, Lr, Beta1, Beta2, Eps, WeightDecay, AmsGrad),
                "adamw" => new optim.AdamW(groups, Lr, Beta1, Beta2, Eps, WeightDecay, AmsGrad),
                _ => throw new ArgumentException(Kind),
            };
        }
    }

    public static readonly Dictionary<string, OptimCase> Cases = new()
    {
        ["sgd_momentum_wd"] = new("sgd", 0.1, Momentum: 0.9, WeightDecay: 0.01),
        ["sgd_nesterov_wd"] = new("sgd", 0.05, Momentum: 0.8, Nesterov: true, WeightDecay: 0.05),
        ["sgd_dampening"] = new("sgd", 0.1, Momentum: 0.9, Dampening: 0.3),
        ["adam_wd"] = new("adam", 0.01, WeightDecay: 0.1, Beta2: 0.99),
        ["adam_amsgrad_wd"] = new("adam", 0.02, WeightDecay: 0.05, AmsGrad: true),
        ["adamw"] = new("adamw", 0.01, WeightDecay: 0.1),
        ["adamw_amsgrad"] = new("adamw", 0.03, WeightDecay: 0.2, AmsGrad: true, Beta1: 0.8, Eps: 1e-6),
        // A large eps makes where eps enters the denominator visible in float32 (with 1e-8 it is below resolution).
        ["adam_large_eps"] = new("adam", 0.01, Eps: 1e-2),
        ["adamw_amsgrad_large_eps"] = new("adamw", 0.01, WeightDecay: 0.1, AmsGrad: true, Eps: 1e-2),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    /// <summary>The loss of cases_optim.synthetic_loss: the same expression, so the gradients agree.</summary>
    private static Tensor SyntheticLoss(Tensor w, Tensor b, Tensor x, Tensor y) =>
        (x.matmul(w) + b - y).pow(2.0).mean() + 0.01 * w.pow(4.0).sum();

    private static (Tensor W, Tensor B, Tensor X, Tensor Y) Problem(int seed)
    {
        var d = new TestData(seed);
        return (d.Randn([5, 3]), d.Randn([3]), d.Randn([16, 5]), d.Randn([16, 3]));
    }

    private static void Step(optim.Optimizer opt, nn.Parameter w, nn.Parameter b, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        opt.zero_grad();
        SyntheticLoss(w, b, x, y).backward();
        opt.step();
    }

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void Ten_steps_with_two_parameter_groups_match_torch_optim(string name)
    {
        var c = Cases[name];
        using var scope = NewDisposeScope();
        var (w0, b0, x, y) = Problem(30);
        const int steps = 10;
        var expected = py.Run("optimizer_trajectory", new Dictionary<string, Tensor> { ["w"] = w0, ["b"] = b0, ["X"] = x, ["Y"] = y }, new
        {
            kind = c.Kind,
            steps,
            options = c.PythonOptions,
            groups = new object[]
            {
                new { @params = new[] { "w" } },
                new { @params = new[] { "b" }, options = new { lr = c.SecondGroupLr, weight_decay = 0.0 } },
            },
        });

        using var w = new nn.Parameter(w0.clone());
        using var b = new nn.Parameter(b0.clone());
        using var opt = c.Create(w, b);
        for (var step = 1; step <= steps; step++)
        {
            Step(opt, w, b, x, y);
            TensorAssert.Close(w, expected[$"step{step}.w"], 1e-6, 0, $"{name} step {step} w");
            TensorAssert.Close(b, expected[$"step{step}.b"], 1e-6, 0, $"{name} step {step} b");
        }
        // The parameters must have moved: a trajectory that stays put would match trivially.
        (w - w0).abs().max().item<double>().Should().BeGreaterThan(1e-3);
        (b - b0).abs().max().item<double>().Should().BeGreaterThan(1e-3);
    }

    [Theory]
    [InlineData("sgd_nesterov_wd")]
    [InlineData("adam_amsgrad_wd")]
    [InlineData("adamw")]
    public void State_dict_saved_and_loaded_into_a_fresh_optimizer_continues_bitwise_like_the_original(string name)
    {
        var c = Cases[name];
        using var scope = NewDisposeScope();
        var (w0, b0, x, y) = Problem(31);
        using var wA = new nn.Parameter(w0.clone());
        using var bA = new nn.Parameter(b0.clone());
        using var optA = c.Create(wA, bA);
        var schedA = new optim.lr_scheduler.CosineAnnealingLR(optA, 20, 1e-4);
        for (var i = 0; i < 5; i++)
        {
            Step(optA, wA, bA, x, y);
            schedA.step();
        }

        // Save: state tensors into the file, scalars (steps, learning rates) into its metadata.
        var path = Path.Combine(_dir, "optim.safetensors");
        var state = optA.state_dict();
        state.Tensors.Should().NotBeEmpty();
        torch.save(state.Tensors, path, state.Scalars.ToDictionary(kv => kv.Key, kv => kv.Value.ToString("R", CultureInfo.InvariantCulture)));

        // Resume: fresh parameters with the same values, a fresh optimizer and schedule, the loaded state.
        var loaded = torch.load(path, out var metadata);
        using var wB = new nn.Parameter(wA.detach().clone());
        using var bB = new nn.Parameter(bA.detach().clone());
        using var optB = c.Create(wB, bB);
        optB.load_state_dict(new optim.OptimizerStateDict(loaded,
            metadata.ToDictionary(kv => kv.Key, kv => double.Parse(kv.Value, CultureInfo.InvariantCulture))));
        var schedB = new optim.lr_scheduler.CosineAnnealingLR(optB, 20, 1e-4);
        schedB.set_epoch(schedA.last_epoch);

        // A control that starts from the same weights but forgets the optimizer state.
        using var wC = new nn.Parameter(wA.detach().clone());
        using var bC = new nn.Parameter(bA.detach().clone());
        using var optC = c.Create(wC, bC);

        for (var i = 0; i < 5; i++)
        {
            Step(optA, wA, bA, x, y);
            schedA.step();
            Step(optB, wB, bB, x, y);
            schedB.step();
            Step(optC, wC, bC, x, y);
            TensorAssert.Equal(wB, wA, $"resumed w after {i + 1} more steps");
            TensorAssert.Equal(bB, bA, $"resumed b after {i + 1} more steps");
            schedB.get_last_lr().Should().Equal(schedA.get_last_lr());
        }
        wC.equal(wA).Should().BeFalse("without its state the optimizer must take different steps, or this test proves nothing");
    }

    private double[,] OurSchedule(Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> create, double[] lrs, int epochs)
    {
        using var scope = NewDisposeScope();
        var ps = lrs.Select(_ => new nn.Parameter(zeros(1))).ToList();
        try
        {
            using var opt = new optim.SGD(ps.Zip(lrs, (p, lr) => new optim.ParamGroup([p], lr: lr)), lrs[0]);
            var sched = create(opt);
            var result = new double[epochs + 1, lrs.Length];
            for (var e = 0; e <= epochs; e++)
            {
                if (e > 0) sched.step();
                var now = sched.get_last_lr();
                for (var g = 0; g < lrs.Length; g++) result[e, g] = now[g];
            }
            return result;
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    private void AssertScheduleMatches(string kind, object options, Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> create)
    {
        double[] lrs = [0.1, 0.03];
        const int epochs = 30;
        using var scope = NewDisposeScope();
        var expected = py.Run("lr_schedule", new Dictionary<string, Tensor>(), new { kind, lrs, epochs, options })["lr"];
        var ours = OurSchedule(create, lrs, epochs);
        TensorAssert.Close(tensor(ours.Cast<double>().ToArray(), [epochs + 1, lrs.Length]), expected, 1e-12, 1e-12, $"{kind} learning rates [epoch, group]");
    }

    [SkippableFact]
    public void StepLR_matches_torch_over_30_epochs() =>
        AssertScheduleMatches("step", new { step_size = 7, gamma = 0.5 }, opt => new optim.lr_scheduler.StepLR(opt, 7, 0.5));

    [SkippableFact]
    public void CosineAnnealingLR_matches_torch_over_30_epochs() =>
        AssertScheduleMatches("cosine", new { T_max = 30, eta_min = 1e-3 }, opt => new optim.lr_scheduler.CosineAnnealingLR(opt, 30, 1e-3));

    [SkippableFact]
    public void CosineAnnealingLR_matches_torch_past_T_max() =>
        AssertScheduleMatches("cosine", new { T_max = 12, eta_min = 0.0 }, opt => new optim.lr_scheduler.CosineAnnealingLR(opt, 12));

    [SkippableFact]
    public void CosineWithWarmup_matches_torch_SequentialLR_of_LinearLR_and_CosineAnnealingLR() =>
        AssertScheduleMatches("warmup_cosine", new { warmup_steps = 5, total_steps = 30, min_lr = 1e-4, warmup_start_factor = 0.1 },
            opt => new optim.lr_scheduler.CosineWithWarmup(opt, 5, 30, 1e-4, 0.1));

    [Theory]
    [InlineData(5, 30, 1e-4, 0.0)]
    [InlineData(5, 30, 0.0, 0.25)]
    [InlineData(0, 20, 1e-3, 0.0)]
    [InlineData(1, 2, 0.0, 0.5)]
    public void CosineWithWarmup_follows_its_closed_form(int warmup, int total, double minLr, double startFactor)
    {
        const double baseLr = 0.5;
        var p = new nn.Parameter(zeros(1));
        using var _ = p;
        using var opt = new optim.SGD([p], baseLr);
        var sched = new optim.lr_scheduler.CosineWithWarmup(opt, warmup, total, minLr, startFactor);
        for (var t = 0; t <= total + 5; t++)
        {
            if (t > 0) sched.step();
            double expected;
            if (t < warmup) expected = baseLr * (startFactor + (1 - startFactor) * t / (double)warmup);
            else if (t >= total) expected = minLr;
            else expected = minLr + 0.5 * (baseLr - minLr) * (1 + Math.Cos(Math.PI * (t - warmup) / (total - warmup)));
            sched.get_last_lr()[0].Should().BeApproximately(expected, 1e-15, $"epoch {t}");
        }
        // Landmarks: the start factor at step 0 (when there is a warmup), the peak at the end of warmup, min_lr at the end.
        sched.set_epoch(0);
        sched.get_last_lr()[0].Should().BeApproximately(warmup > 0 ? baseLr * startFactor : baseLr, 1e-15);
        sched.set_epoch(warmup);
        sched.get_last_lr()[0].Should().BeApproximately(warmup < total ? baseLr : minLr, 1e-15);
        sched.set_epoch(total);
        sched.get_last_lr()[0].Should().BeApproximately(minLr, 1e-15);
    }
}

[Collection(PythonReferenceFixture.Collection)]
public class ClipGradNormParityTests(PythonReferenceFixture py)
{
    [SkippableTheory]
    [InlineData(2.0, 1.0)]   // clips
    [InlineData(2.0, 100.0)] // leaves the gradients alone
    [InlineData(1.0, 0.5)]
    [InlineData(double.PositiveInfinity, 0.3)]
    public void Clip_grad_norm_matches_torch(double normType, double maxNorm)
    {
        using var scope = NewDisposeScope();
        var d = new TestData(32);
        var inputs = new Dictionary<string, Tensor>();
        var ps = new List<nn.Parameter>();
        long[][] shapes = [[4, 3], [3], [2, 2, 2]];
        for (var i = 0; i < shapes.Length; i++)
        {
            var p = new nn.Parameter(d.Randn(shapes[i]));
            p.grad = d.Randn(shapes[i], scale: 2);
            ps.Add(p);
            inputs[$"p{i}"] = p;
            inputs[$"g{i}"] = p.grad!.clone();
        }
        try
        {
            var expected = py.Run("clip_grad_norm", inputs, new { max_norm = maxNorm, norm_type = double.IsInfinity(normType) ? "inf" : (object)normType });
            var total = nn.utils.clip_grad_norm_(ps, maxNorm, normType);
            total.Should().BeApproximately(expected["total_norm"].item<double>(), 1e-5 * total);
            for (var i = 0; i < ps.Count; i++) TensorAssert.Close(ps[i].grad!, expected[$"g{i}"], $"clipped g{i}");
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }
}
