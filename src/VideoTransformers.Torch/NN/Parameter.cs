using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// A tensor that is a module's learnable weight: a leaf that requires grad by default. Parameters are never
        /// owned by a dispose scope (they live as long as their module).
        /// </summary>
        public sealed class Parameter : Tensor
        {
            /// <summary>Makes a parameter sharing <paramref name="data"/>'s storage (the caller still owns <paramref name="data"/>).</summary>
            public Parameter(Tensor data, bool requires_grad = true)
                : base(NativeMethods.vt_unary(data.Handle, (int)UnaryOp.Detach))
            {
                DetachFromDisposeScope();
                this.requires_grad = requires_grad;
            }
        }
    }
}
