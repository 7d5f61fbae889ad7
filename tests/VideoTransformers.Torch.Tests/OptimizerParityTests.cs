using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch.Optim;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// TorchSharp's optimizers, which the library trains with, and our closed-form learning-rate schedules against
/// torch.optim 1.13 (tests/python/cases_optim.py), plus exact resume through TorchSharp's optimizer state dict.
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
        /// <remarks>Every hyper-parameter is passed explicitly: TorchSharp's AdamW defaults weight_decay to 0 where PyTorch uses 0.01.</remarks>
        public optim.Optimizer Create(Parameter w, Parameter b) => Kind switch
        {
            "sgd" => optim.SGD(
                [new SGD.ParamGroup([w], new SGD.Options()), new SGD.ParamGroup([b], new SGD.Options { LearningRate = SecondGroupLr, weight_decay = 0 })],
                Lr, Momentum, Dampening, WeightDecay, Nesterov),
            "adam" => optim.Adam(
                [new Adam.ParamGroup([w], new Adam.Options()), new Adam.ParamGroup([b], new Adam.Options { LearningRate = SecondGroupLr, weight_decay = 0 })],
                Lr, Beta1, Beta2, Eps, WeightDecay, AmsGrad),
            "adamw" => optim.AdamW(
                [new AdamW.ParamGroup([w], new AdamW.Options()), new AdamW.ParamGroup([b], new AdamW.Options { LearningRate = SecondGroupLr, weight_decay = 0 })],
                Lr, Beta1, Beta2, Eps, WeightDecay, AmsGrad),
            _ => throw new ArgumentException(Kind),
        };
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

    private static void Step(optim.Optimizer opt, Parameter w, Parameter b, Tensor x, Tensor y)
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

        using var w = new Parameter(w0.clone());
        using var b = new Parameter(b0.clone());
        using var opt = c.Create(w, b);
        // The groups really have their own settings (else the second group's lr would match trivially).
        opt.ParamGroups.Select(g => g.LearningRate).Should().Equal(c.Lr, c.SecondGroupLr);
        for (var step = 1; step <= steps; step++)
        {
            Step(opt, w, b, x, y);
            TensorAssert.Close(w, expected[$"step{step}.w"], 1e-6, 0, $"{name} step {step} w");
            TensorAssert.Close(b, expected[$"step{step}.b"], 1e-6, 0, $"{name} step {step} b");
        }
        // The parameters must have moved: a trajectory that stays put would match trivially.
        (w - w0).abs().max().ToDouble().Should().BeGreaterThan(1e-3);
        (b - b0).abs().max().ToDouble().Should().BeGreaterThan(1e-3);
    }

    [Theory]
    [InlineData("sgd_nesterov_wd")]
    [InlineData("adam_amsgrad_wd")]
    [InlineData("adamw")]
    public void State_dict_saved_and_loaded_into_a_fresh_optimizer_continues_bitwise_like_the_original(string name)
    {
        // Through TorchSharp's own optimizer state file (save_state_dict/load_state_dict); the old test went through
        // our safetensors because the deleted optimizer exposed its state as named tensors, TorchSharp's does not.
        var c = Cases[name];
        using var scope = NewDisposeScope();
        var (w0, b0, x, y) = Problem(31);
        using var wA = new Parameter(w0.clone());
        using var bA = new Parameter(b0.clone());
        using var optA = c.Create(wA, bA);
        var schedA = new CosineAnnealingLR(optA, 20, 1e-4);
        for (var i = 0; i < 5; i++)
        {
            Step(optA, wA, bA, x, y);
            schedA.step();
        }

        var path = Path.Combine(_dir, "optim.bin");
        Directory.CreateDirectory(_dir);
        ((OptimizerHelper)optA).save_state_dict(path);

        // Resume: fresh parameters with the same values, a fresh optimizer and schedule, the loaded state. The schedule
        // is made before loading, so that it takes the configured learning rates as its initial ones, not the
        // decayed rates the state file carries.
        using var wB = new Parameter(wA.detach().clone());
        using var bB = new Parameter(bA.detach().clone());
        using var optB = c.Create(wB, bB);
        var schedB = new CosineAnnealingLR(optB, 20, 1e-4);
        ((OptimizerHelper)optB).load_state_dict(path);
        schedB.set_epoch(schedA.last_epoch);
        schedB.initial_lrs.Should().Equal(schedA.initial_lrs);

        // A control that starts from the same weights but forgets the optimizer state.
        using var wC = new Parameter(wA.detach().clone());
        using var bC = new Parameter(bA.detach().clone());
        using var optC = c.Create(wC, bC);
        var schedC = new CosineAnnealingLR(optC, 20, 1e-4);
        schedC.set_epoch(schedA.last_epoch);

        for (var i = 0; i < 5; i++)
        {
            Step(optA, wA, bA, x, y);
            schedA.step();
            Step(optB, wB, bB, x, y);
            schedB.step();
            Step(optC, wC, bC, x, y);
            schedC.step();
            TensorAssert.Same(wB, wA, $"resumed w after {i + 1} more steps");
            TensorAssert.Same(bB, bA, $"resumed b after {i + 1} more steps");
            schedB.get_last_lr().Should().Equal(schedA.get_last_lr());
        }
        TensorAssert.Compare(wC, wA, 0, 0, "w without the optimizer state").Should()
            .NotBeNull("without its state the optimizer must take different steps, or this test proves nothing");
    }

    [Theory]
    [InlineData("sgd_momentum_wd")]
    [InlineData("adamw_amsgrad")]
    public void In_memory_state_dict_loaded_into_a_fresh_optimizer_continues_bitwise_like_the_original(string name)
    {
        var c = Cases[name];
        using var scope = NewDisposeScope();
        var (w0, b0, x, y) = Problem(33);
        using var wA = new Parameter(w0.clone());
        using var bA = new Parameter(b0.clone());
        using var optA = c.Create(wA, bA);
        for (var i = 0; i < 4; i++) Step(optA, wA, bA, x, y);

        using var wB = new Parameter(wA.detach().clone());
        using var bB = new Parameter(bA.detach().clone());
        using var optB = c.Create(wB, bB);
        ((OptimizerHelper)optB).load_state_dict(((OptimizerHelper)optA).state_dict());
        for (var i = 0; i < 4; i++)
        {
            Step(optA, wA, bA, x, y);
            Step(optB, wB, bB, x, y);
            TensorAssert.Same(wB, wA, $"w after {i + 1} more steps");
            TensorAssert.Same(bB, bA, $"b after {i + 1} more steps");
        }
    }

    private static double[,] OurSchedule(Func<optim.Optimizer, ClosedFormLR> create, double[] lrs, int epochs)
    {
        using var scope = NewDisposeScope();
        var ps = lrs.Select(_ => new Parameter(zeros(1))).ToList();
        try
        {
            using var opt = optim.SGD(ps.Zip(lrs, (p, lr) => new SGD.ParamGroup([p], new SGD.Options { LearningRate = lr })), lrs[0]);
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

    private void AssertScheduleMatches(string kind, object options, Func<optim.Optimizer, ClosedFormLR> create)
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
        AssertScheduleMatches("step", new { step_size = 7, gamma = 0.5 }, opt => new StepLR(opt, 7, 0.5));

    [SkippableFact]
    public void CosineAnnealingLR_matches_torch_over_30_epochs() =>
        AssertScheduleMatches("cosine", new { T_max = 30, eta_min = 1e-3 }, opt => new CosineAnnealingLR(opt, 30, 1e-3));

    [SkippableFact]
    public void CosineAnnealingLR_matches_torch_past_T_max() =>
        AssertScheduleMatches("cosine", new { T_max = 12, eta_min = 0.0 }, opt => new CosineAnnealingLR(opt, 12));

    [SkippableFact]
    public void CosineWithWarmup_matches_torch_SequentialLR_of_LinearLR_and_CosineAnnealingLR() =>
        AssertScheduleMatches("warmup_cosine", new { warmup_steps = 5, total_steps = 30, min_lr = 1e-4, warmup_start_factor = 0.1 },
            opt => new CosineWithWarmup(opt, 5, 30, 1e-4, 0.1));

    [Theory]
    [InlineData(5, 30, 1e-4, 0.0)]
    [InlineData(5, 30, 0.0, 0.25)]
    [InlineData(0, 20, 1e-3, 0.0)]
    [InlineData(1, 2, 0.0, 0.5)]
    public void CosineWithWarmup_follows_its_closed_form(int warmup, int total, double minLr, double startFactor)
    {
        const double baseLr = 0.5;
        var p = new Parameter(zeros(1));
        using var _ = p;
        using var opt = optim.SGD([p], baseLr);
        var sched = new CosineWithWarmup(opt, warmup, total, minLr, startFactor);
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
        var ps = new List<Parameter>();
        long[][] shapes = [[4, 3], [3], [2, 2, 2]];
        for (var i = 0; i < shapes.Length; i++)
        {
            var p = new Parameter(d.Randn(shapes[i]));
            p.grad = d.Randn(shapes[i], scale: 2);
            ps.Add(p);
            inputs[$"p{i}"] = p;
            inputs[$"g{i}"] = p.grad!.clone();
        }
        try
        {
            var expected = py.Run("clip_grad_norm", inputs, new { max_norm = maxNorm, norm_type = double.IsInfinity(normType) ? "inf" : (object)normType });
            var total = nn.utils.clip_grad_norm_(ps, maxNorm, normType);
            total.Should().BeApproximately(expected["total_norm"].ToDouble(), 1e-5 * total);
            for (var i = 0; i < ps.Count; i++) TensorAssert.Close(ps[i].grad!, expected[$"g{i}"], $"clipped g{i}");
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }
}
