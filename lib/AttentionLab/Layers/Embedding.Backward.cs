using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

public sealed partial class Embedding
{
    /// <summary>The table as a trainable parameter, named <c>{prefix}weight</c> (lesson 08).</summary>
    public IEnumerable<Parameter> Parameters(string prefix = "") => [new Parameter(prefix + "weight", Weight)];

    /// <summary>
    /// The backward pass of <see cref="Forward"/> (lesson 08): row t of ∂L/∂output is added to the gradient of
    /// the table row that position t looked up, so a row gets the sum over every position holding its token,
    /// and a token absent from the sequence gets nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(IReadOnlyList<int> ids, Matrix<double> dy, Gradients gradients)
    {
        Guard.NotNull(ids, nameof(ids));
        Guard.Exactly(dy, ids.Count, ModelWidth, nameof(dy));
        Guard.NotNull(gradients, nameof(gradients));
        var g = gradients.Storage(Weight); // column-major: (id, c) at c * VocabularySize + id
        var up = dy.AsColumnMajorArray() ?? dy.ToColumnMajorArray();
        int n = ids.Count, v = VocabularySize;
        for (int t = 0; t < n; t++)
        {
            int id = ids[t];
            Guard.Index(id, v, nameof(ids));
            for (int c = 0; c < ModelWidth; c++) g[c * v + id] += up[c * n + t];
        }
    }
}
