namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay (as torch.optim.SGD).</summary>
        public sealed class SGD : Optimizer
        {
            /// <summary>Creates the optimizer over parameter groups.</summary>
            public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
                : base(groups, lr, weight_decay)
            {
                if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
                Momentum = momentum;
                Dampening = dampening;
                Nesterov = nesterov;
            }

            /// <summary>Creates the optimizer over one group.</summary>
            public SGD(IEnumerable<nn.Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
                : this(new[] { new ParamGroup(parameters) }, lr, momentum, dampening, weight_decay, nesterov) { }

            /// <summary>Momentum factor.</summary>
            public double Momentum { get; }
            /// <summary>Dampening of the momentum.</summary>
            public double Dampening { get; }
            /// <summary>Nesterov momentum.</summary>
            public bool Nesterov { get; }

            /// <inheritdoc />
            protected override void Update(int index, ParamGroup group, nn.Parameter p, Tensor grad)
            {
                var d = group.weight_decay != 0 ? grad.add(p, group.weight_decay) : grad;
                if (Momentum != 0)
                {
                    Tensor buf;
                    if (!HasState(index, "momentum_buffer")) buf = StateTensor(index, "momentum_buffer", () => d.clone());
                    else
                    {
                        buf = StateTensor(index, "momentum_buffer", () => throw new InvalidOperationException());
                        buf.mul_(Momentum).add_(d, 1 - Dampening);
                    }
                    d = Nesterov ? d.add(buf, Momentum) : buf;
                }
                p.add_(d, -group.lr);
            }
        }
    }
}
