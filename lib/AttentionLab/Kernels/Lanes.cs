using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionLab.Kernels;

/// <summary>
/// The few vector operations the fused kernel needs, over one register of doubles. The kernel is
/// written once, generic over this interface, and the JIT compiles one specialised copy per width:
/// 8 lanes (AVX-512), 4 lanes (AVX2 / NEON pairs) or 1 lane (plain scalar code).
/// </summary>
internal interface ILanes<TVec> where TVec : struct
{
    static abstract int Count { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Splat(double x);
    static abstract TVec Load(ref double source);
    static abstract void Store(TVec value, ref double destination);
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec addend);
    static abstract TVec Multiply(TVec a, TVec b);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    /// <summary>The larger of a and b (no NaN or −0 subtleties: the kernel never has NaN).</summary>
    static abstract TVec Max(TVec a, TVec b);
    static abstract TVec Exp(TVec x);

    /// <summary>−∞ in the lanes where <paramref name="key"/> ≥ <paramref name="limit"/> (the key is hidden), else x.</summary>
    static abstract TVec HideFrom(TVec x, double key, TVec limit);

    /// <summary>−∞ in the lanes where <paramref name="key"/> &lt; <paramref name="start"/> (the key is before the window), else x.</summary>
    static abstract TVec HideBefore(TVec x, double key, TVec start);

    /// <summary><paramref name="replacement"/> in the lanes where x is −∞, else x.</summary>
    static abstract TVec ReplaceNegativeInfinity(TVec x, TVec replacement);

    /// <summary><paramref name="replacement"/> in the lanes where x is 0, else x.</summary>
    static abstract TVec ReplaceZero(TVec x, TVec replacement);
}

/// <summary>
/// A vector exp for x ≤ 0 (the only arguments the online softmax has), because the runtime's
/// Vector512.Exp measured here no faster than one Math.Exp per lane.
/// exp(x) = 2^k · exp(r) with k = round(x / ln 2) and r = x − k ln 2, so |r| ≤ ln 2 / 2; exp(r)
/// is its Taylor series to r¹², whose first omitted term is below 2e-16 · exp(r) on that range
/// (about one rounding error). k is rounded by adding 1.5 · 2⁵² (the FPU rounds to an integer),
/// and 2^k is built directly as the bits of a double. Below −708.39, 2^k would leave the normal
/// range: those lanes (and −∞) give exactly 0, where Math.Exp would give a subnormal ≤ 2.3e-308.
/// </summary>
internal static class ExpConstants
{
    public const double Log2E = 1.4426950408889634;
    public const double RoundingShift = 6755399441055744.0; // 1.5 · 2⁵²
    public const double Ln2High = 0.693147180369123816490; // ln 2 split in two so k · Ln2High is exact
    public const double Ln2Low = 1.90821492927058770002e-10;
    public const double Smallest = -708.39;
    public const double C2 = 1.0 / 2, C3 = 1.0 / 6, C4 = 1.0 / 24, C5 = 1.0 / 120, C6 = 1.0 / 720, C7 = 1.0 / 5040,
        C8 = 1.0 / 40320, C9 = 1.0 / 362880, C10 = 1.0 / 3628800, C11 = 1.0 / 39916800, C12 = 1.0 / 479001600;

    /// <summary>
    /// The steps every width shares: the reduction x = k ln 2 + r and the series for exp(r).
    /// Returns exp(r); <paramref name="t"/> is k + 1.5 · 2⁵², whose low bits hold k for building 2^k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Series<TLanes, TVec>(TVec x, out TVec t) where TLanes : ILanes<TVec> where TVec : struct
    {
        t = TLanes.MultiplyAdd(x, TLanes.Splat(Log2E), TLanes.Splat(RoundingShift));
        var k = TLanes.Subtract(t, TLanes.Splat(RoundingShift));
        var r = TLanes.MultiplyAdd(k, TLanes.Splat(-Ln2High), x);
        r = TLanes.MultiplyAdd(k, TLanes.Splat(-Ln2Low), r);
        var p = TLanes.Splat(C12);
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C11));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C10));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C9));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C8));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C7));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C6));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C5));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C4));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C3));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(C2));
        p = TLanes.MultiplyAdd(p, r, TLanes.Splat(1.0));
        return TLanes.MultiplyAdd(p, r, TLanes.Splat(1.0));
    }
}

internal readonly struct Lanes512 : ILanes<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;
    public static Vector512<double> Zero => Vector512<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Splat(double x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Load(ref double source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> addend) => Vector512.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        var p = ExpConstants.Series<Lanes512, Vector512<double>>(x, out var t);
        var twoToK = (t.AsInt64() - Vector512.Create(ExpConstants.RoundingShift).AsInt64() + Vector512.Create(1023L)) << 52;
        var e = p * twoToK.AsDouble();
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(ExpConstants.Smallest)), Vector512<double>.Zero, e);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> HideFrom(Vector512<double> x, double key, Vector512<double> limit) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Create(key), limit), x, Vector512.Create(double.NegativeInfinity));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> HideBefore(Vector512<double> x, double key, Vector512<double> start) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Create(key), start), Vector512.Create(double.NegativeInfinity), x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ReplaceNegativeInfinity(Vector512<double> x, Vector512<double> replacement) =>
        Vector512.ConditionalSelect(Vector512.Equals(x, Vector512.Create(double.NegativeInfinity)), replacement, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ReplaceZero(Vector512<double> x, Vector512<double> replacement) =>
        Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<double>.Zero), replacement, x);
}

internal readonly struct Lanes256 : ILanes<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;
    public static Vector256<double> Zero => Vector256<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Splat(double x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(ref double source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> addend) => Vector256.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var p = ExpConstants.Series<Lanes256, Vector256<double>>(x, out var t);
        var twoToK = (t.AsInt64() - Vector256.Create(ExpConstants.RoundingShift).AsInt64() + Vector256.Create(1023L)) << 52;
        var e = p * twoToK.AsDouble();
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(ExpConstants.Smallest)), Vector256<double>.Zero, e);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> HideFrom(Vector256<double> x, double key, Vector256<double> limit) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(key), limit), x, Vector256.Create(double.NegativeInfinity));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> HideBefore(Vector256<double> x, double key, Vector256<double> start) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(key), start), Vector256.Create(double.NegativeInfinity), x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ReplaceNegativeInfinity(Vector256<double> x, Vector256<double> replacement) =>
        Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(double.NegativeInfinity)), replacement, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ReplaceZero(Vector256<double> x, Vector256<double> replacement) =>
        Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<double>.Zero), replacement, x);
}

internal readonly struct LanesScalar : ILanes<double>
{
    public static int Count => 1;
    public static double Zero => 0.0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Splat(double x) => x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Load(ref double source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(double value, ref double destination) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double MultiplyAdd(double a, double b, double addend) => Math.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Multiply(double a, double b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Add(double a, double b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Subtract(double a, double b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Divide(double a, double b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Max(double a, double b) => a > b ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Exp(double x) => Math.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double HideFrom(double x, double key, double limit) => key < limit ? x : double.NegativeInfinity;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double HideBefore(double x, double key, double start) => key < start ? double.NegativeInfinity : x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double ReplaceNegativeInfinity(double x, double replacement) => double.IsNegativeInfinity(x) ? replacement : x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double ReplaceZero(double x, double replacement) => x == 0 ? replacement : x;
}
