namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>
        /// Adam (Kingma &amp; Ba) with L2 weight decay added to the gradient, or AdamW (Loshchilov &amp; Hutter) with decoupled
        /// weight decay when <c>decoupled_weight_decay</c> is set. The arithmetic follows torch.optim step for step.
        /// </summary>
        public class Adam : Optimizer
        {
            private readonly bool _decoupled;

            /// <summary>Creates the optimizer over parameter groups.</summary>
            public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weight_decay = 0, bool amsgrad = false, bool decoupled_weight_decay = false)
                : base(groups, lr, weight_decay)
            {
                if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), "betas must be in [0, 1)");
                if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be non-negative");
                Beta1 = beta1;
                Beta2 = beta2;
                Eps = eps;
                AmsGrad = amsgrad;
                _decoupled = decoupled_weight_decay;
            }

            /// <summary>Creates the optimizer over one group.</summary>
            public Adam(IEnumerable<nn.Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false)
                : this(new[] { new ParamGroup(parameters) }, lr, beta1, beta2, eps, weight_decay, amsgrad) { }

            /// <summary>First-moment decay.</summary>
            public double Beta1 { get; }
            /// <summary>Second-moment decay.</summary>
            public double Beta2 { get; }
            /// <summary>Denominator epsilon.</summary>
            public double Eps { get; }
            /// <summary>AMSGrad variant.</summary>
            public bool AmsGrad { get; }

            /// <inheritdoc />
            protected override void Update(int index, ParamGroup group, nn.Parameter p, Tensor grad)
            {
                var step = Steps[index];
                if (_decoupled) p.mul_(1 - group.lr * group.weight_decay);
                else if (group.weight_decay != 0) grad = grad.add(p, group.weight_decay);
                var expAvg = StateTensor(index, "exp_avg", () => zeros_like(p));
                var expAvgSq = StateTensor(index, "exp_avg_sq", () => zeros_like(p));
                expAvg.mul_(Beta1).add_(grad, 1 - Beta1);
                expAvgSq.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);
                var bc1 = 1 - Math.Pow(Beta1, step);
                var bc2 = 1 - Math.Pow(Beta2, step);
                var stepSize = group.lr / bc1;
                var bc2Sqrt = Math.Sqrt(bc2);
                Tensor denom;
                if (AmsGrad)
                {
                    var maxSq = StateTensor(index, "max_exp_avg_sq", () => zeros_like(p));
                    maxSq.copy_(maxSq.maximum(expAvgSq));
                    denom = (maxSq.sqrt() / bc2Sqrt).add_(Eps);
                }
                else denom = (expAvgSq.sqrt() / bc2Sqrt).add_(Eps);
                p.addcdiv_(expAvg, denom, -stepSize);
            }
        }

        /// <summary>AdamW: Adam with decoupled weight decay (default 1e-2, as torch.optim.AdamW).</summary>
        public sealed class AdamW : Adam
        {
            /// <summary>Creates the optimizer over parameter groups.</summary>
            public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 1e-2, bool amsgrad = false)
                : base(groups, lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled_weight_decay: true) { }

            /// <summary>Creates the optimizer over one group.</summary>
            public AdamW(IEnumerable<nn.Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 1e-2, bool amsgrad = false)
                : this(new[] { new ParamGroup(parameters) }, lr, beta1, beta2, eps, weight_decay, amsgrad) { }
        }
    }
}
