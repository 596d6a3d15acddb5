using System.Runtime.CompilerServices;

namespace AttentionLab;

/// <summary>
/// <see cref="FeedForward"/> with a backward pass (lesson 08): linear1 → ReLU → linear2. ReLU passes
/// the gradient where its input was positive and blocks it elsewhere.
/// </summary>
public sealed class TrainableFeedForward
{
    /// <summary>The widening layer, d → hidden.</summary>
    public TrainableLinear Linear1 { get; }

    /// <summary>The narrowing layer, hidden → d.</summary>
    public TrainableLinear Linear2 { get; }

    /// <summary>A trainable copy of the library block, named <c>{prefix}linear1.*</c> and <c>{prefix}linear2.*</c> as in PyTorch's layers.</summary>
    public TrainableFeedForward(FeedForward block, string prefix)
    {
        ArgumentNullException.ThrowIfNull(block);
        Linear1 = new TrainableLinear(block.Linear1, prefix + "linear1");
        Linear2 = new TrainableLinear(block.Linear2, prefix + "linear2");
    }

    /// <summary>The four tensors, in state_dict order.</summary>
    public IEnumerable<Parameter> Parameters => [.. Linear1.Parameters, .. Linear2.Parameters];

    /// <summary>What backward needs: the input and the hidden activations after ReLU.</summary>
    public sealed record Cache(double[] Input, double[] Hidden, int Rows);

    /// <summary>Applies the block to the n rows of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Output, Cache Cache) Forward(double[] x, int n)
    {
        var hidden = Linear1.Forward(x, n);
        for (int i = 0; i < hidden.Length; i++) if (hidden[i] < 0) hidden[i] = 0;
        return (Linear2.Forward(hidden, n), new Cache(x, hidden, n));
    }

    /// <summary>Adds the four gradients and returns ∂L/∂x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Backward(Cache cache, double[] dy, Gradients gradients)
    {
        var dHidden = Linear2.Backward(cache.Hidden, dy, cache.Rows, gradients);
        for (int i = 0; i < dHidden.Length; i++) if (cache.Hidden[i] <= 0) dHidden[i] = 0; // ReLU: no gradient where it cut
        return Linear1.Backward(cache.Input, dHidden, cache.Rows, gradients);
    }
}
