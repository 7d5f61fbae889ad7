namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Learning-rate schedules (torch.optim.lr_scheduler). Call <see cref="LRScheduler.step"/> once per epoch (or per iteration for warmup schedules).</summary>
        public static class lr_scheduler
        {
            /// <summary>
            /// Base class: the learning rate of every group is <c>initial_lr × Factor(last_epoch)</c>, a closed form, so
            /// that resuming only needs <see cref="last_epoch"/>.
            /// </summary>
            public abstract class LRScheduler
            {
                /// <summary>Creates the schedule and applies the factor for epoch 0.</summary>
                protected LRScheduler(Optimizer optimizer)
                {
                    Optimizer = optimizer;
                    last_epoch = 0;
                }

                /// <summary>The optimizer whose learning rates this schedule sets.</summary>
                public Optimizer Optimizer { get; }

                /// <summary>The number of <see cref="step"/> calls so far.</summary>
                public long last_epoch { get; private set; }

                /// <summary>The multiplier of the initial learning rate at <paramref name="epoch"/>.</summary>
                protected abstract double Factor(long epoch);

                /// <summary>The learning rate of a group at an epoch.</summary>
                protected virtual double LearningRate(double initialLr, long epoch) => initialLr * Factor(epoch);

                /// <summary>Advances one epoch and writes the new learning rates.</summary>
                public void step()
                {
                    last_epoch++;
                    Apply();
                }

                /// <summary>Jumps to an epoch (for resume).</summary>
                public void set_epoch(long epoch)
                {
                    last_epoch = epoch;
                    Apply();
                }

                /// <summary>The current learning rate of each group.</summary>
                public double[] get_last_lr() => Optimizer.param_groups.Select(g => g.lr).ToArray();

                /// <summary>Writes the learning rates for <see cref="last_epoch"/>.</summary>
                protected void Apply()
                {
                    foreach (var g in Optimizer.param_groups) g.lr = LearningRate(g.initial_lr, last_epoch);
                }
            }

            /// <summary>Multiplies the learning rate by <c>gamma</c> every <c>step_size</c> epochs.</summary>
            public sealed class StepLR : LRScheduler
            {
                /// <summary>Creates the schedule.</summary>
                public StepLR(Optimizer optimizer, long step_size, double gamma = 0.1) : base(optimizer)
                {
                    if (step_size <= 0) throw new ArgumentOutOfRangeException(nameof(step_size), step_size, "step_size must be positive");
                    StepSize = step_size;
                    Gamma = gamma;
                    Apply();
                }

                /// <summary>Epochs between decays.</summary>
                public long StepSize { get; }
                /// <summary>Decay factor.</summary>
                public double Gamma { get; }

                /// <inheritdoc />
                protected override double Factor(long epoch) => Math.Pow(Gamma, epoch / StepSize);
            }

            /// <summary>
            /// Cosine annealing from the initial rate to <c>eta_min</c> over <c>T_max</c> epochs (closed form of CosineAnnealingLR).
            /// Like PyTorch's, the cosine continues past <c>T_max</c> (the rate rises again, with period 2·T_max); use
            /// <see cref="CosineWithWarmup"/> for a schedule that stays at its minimum.
            /// </summary>
            public sealed class CosineAnnealingLR : LRScheduler
            {
                /// <summary>Creates the schedule.</summary>
                public CosineAnnealingLR(Optimizer optimizer, long T_max, double eta_min = 0) : base(optimizer)
                {
                    if (T_max <= 0) throw new ArgumentOutOfRangeException(nameof(T_max), T_max, "T_max must be positive");
                    TMax = T_max;
                    EtaMin = eta_min;
                    Apply();
                }

                /// <summary>Length of the half cosine.</summary>
                public long TMax { get; }
                /// <summary>Final learning rate.</summary>
                public double EtaMin { get; }

                /// <inheritdoc />
                protected override double Factor(long epoch) => throw new NotSupportedException();

                /// <inheritdoc />
                protected override double LearningRate(double initialLr, long epoch)
                {
                    // No clamping at T_max: torch.optim.lr_scheduler.CosineAnnealingLR keeps following the cosine.
                    return EtaMin + (initialLr - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
                }
            }

            /// <summary>
            /// Linear warmup from <c>warmup_start_factor × lr</c> to lr over <c>warmup_steps</c>, then cosine decay to
            /// <c>min_lr</c> at <c>total_steps</c> (the ViT/ViViT recipe; equivalent to SequentialLR(LinearLR, CosineAnnealingLR)).
            /// </summary>
            public sealed class CosineWithWarmup : LRScheduler
            {
                /// <summary>Creates the schedule.</summary>
                public CosineWithWarmup(Optimizer optimizer, long warmup_steps, long total_steps, double min_lr = 0, double warmup_start_factor = 0.0) : base(optimizer)
                {
                    if (total_steps <= 0 || warmup_steps < 0 || warmup_steps > total_steps)
                        throw new ArgumentOutOfRangeException(nameof(total_steps), "need 0 <= warmup_steps <= total_steps and total_steps > 0");
                    WarmupSteps = warmup_steps;
                    TotalSteps = total_steps;
                    MinLr = min_lr;
                    WarmupStartFactor = warmup_start_factor;
                    Apply();
                }

                /// <summary>Warmup length.</summary>
                public long WarmupSteps { get; }
                /// <summary>Schedule length.</summary>
                public long TotalSteps { get; }
                /// <summary>Final learning rate.</summary>
                public double MinLr { get; }
                /// <summary>Learning-rate factor at step 0.</summary>
                public double WarmupStartFactor { get; }

                /// <inheritdoc />
                protected override double Factor(long epoch) => throw new NotSupportedException();

                /// <inheritdoc />
                protected override double LearningRate(double initialLr, long epoch)
                {
                    if (epoch < WarmupSteps)
                        return initialLr * (WarmupStartFactor + (1 - WarmupStartFactor) * epoch / WarmupSteps);
                    var span = Math.Max(1, TotalSteps - WarmupSteps);
                    var t = Math.Min(epoch - WarmupSteps, span);
                    return MinLr + (initialLr - MinLr) * (1 + Math.Cos(Math.PI * t / span)) / 2;
                }
            }
        }
    }

    public static partial class nn
    {
        /// <summary>Utilities (torch.nn.utils).</summary>
        public static class utils
        {
            /// <summary>Scales gradients so that their total norm is at most <paramref name="max_norm"/>; returns the norm before clipping.</summary>
            public static unsafe double clip_grad_norm_(IEnumerable<Parameter> parameters, double max_norm, double norm_type = 2.0)
            {
                var hs = parameters.Select(p => p.Handle).ToArray();
                double r;
                fixed (IntPtr* p = hs) r = NativeMethodsProxy.ClipGradNorm(p, hs.Length, max_norm, norm_type);
                if (r < 0) throw new TorchException(Native.Check.LastError());
                return r;
            }
        }
    }

    private static class NativeMethodsProxy
    {
        internal static unsafe double ClipGradNorm(IntPtr* p, int n, double max, double type) => Native.NativeMethods.vt_clip_grad_norm(p, n, max, type);
    }
}
