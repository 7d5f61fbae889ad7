namespace VideoTransformers.Torch.Native;

// Mirrors the switch statements of ops.cpp; values are part of the ABI (append only).
internal enum UnaryOp
{
    Neg = 0, Exp = 1, Log = 2, Sqrt = 3, Rsqrt = 4, Abs = 5, Relu = 6, Sigmoid = 7, Tanh = 8, Gelu = 9, GeluTanh = 10,
    Contiguous = 11, Clone = 12, Detach = 13, Floor = 14, Ceil = 15, Round = 16, Sign = 17, LogicalNot = 18, Sin = 19,
    Cos = 20, IsNan = 21, IsFinite = 22, Erfinv = 23, Erf = 24, Square = 25, Reciprocal = 26, Silu = 27, Log1p = 28,
    Expm1 = 29, IsInf = 30, Trunc = 31, Nonzero = 32, Softplus = 33, Zero = 100, DetachInPlace = 101,
}

internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Eq = 5, Ne = 6, Lt = 7, Le = 8, Gt = 9, Ge = 10, Maximum = 11,
    Minimum = 12, Matmul = 13, Bmm = 14, LogicalAnd = 15, LogicalOr = 16, Remainder = 17, Atan2 = 18, FloorDivide = 19,
    LogicalXor = 20, Mm = 21, Fmod = 22, RSub = 23, RDiv = 24, RPow = 25, ScalarFloorDivide = 26,
    Copy = 100, Fill = 100, ClampMin = 101, ClampMax = 102,
}

internal enum ReduceOp { Sum = 0, Mean = 1, Amax = 2, Amin = 3, Prod = 4, Std = 5, Var = 6, LogSumExp = 7, All = 8, Any = 9, Norm = 10, StdBiased = 11, VarBiased = 12 }
