using System.Text.Json.Nodes;

namespace AttentionLab.Tests;

/// <summary>
/// Adam follows torch.optim.Adam step by step (Fixtures/adam.json, written by make_adam_fixture.py):
/// the same least-squares problem, the gradients computed here, the weights after every step equal to 1e-12.
/// </summary>
public class AdamTests
{
    private static double[] Flat(JsonNode? node) => node!.AsArray()
        .SelectMany(x => x is JsonArray row ? row.Select(Fixture.Number) : [Fixture.Number(x)]).ToArray();

    [Theory]
    [InlineData("defaults")]
    [InlineData("custom")]
    public void Adam_follows_torch_optim_Adam(string name)
    {
        var c = Fixture.Load("adam.json")["cases"]!.AsArray().First(x => (string?)x!["name"] == name)!;
        double[] x = Flat(c["X"]), y = Flat(c["Y"]);
        var w = new Parameter("W", [3, 2], Flat(c["W"]));
        var b = new Parameter("b", [3], Flat(c["b"]));
        var options = c["options"]!;
        var betas = options["betas"]?.AsArray().Select(Fixture.Number).ToArray() ?? [0.9, 0.999];
        var adam = options["lr"] is null
            ? new Adam([w, b])
            : new Adam([w, b], Fixture.Number(options["lr"]), betas[0], betas[1], Fixture.Number(options["eps"]), Fixture.Number(options["weight_decay"]));
        var g = new Gradients([w, b]);
        foreach (var step in c["steps"]!.AsArray())
        {
            g.Clear();
            double loss = LeastSquares(x, y, w.Value, b.Value, g[w], g[b]);
            Assert.Equal(Fixture.Number(step!["loss"]), loss, 12);
            Check.Same(Row(Flat(step["grad"]!["W"])), Row(g[w]), 1e-12, "∂L/∂W");
            adam.Step(g);
            Check.Same(Row(Flat(step["W"])), Row(w.Value), 1e-12, $"W after step {adam.Steps}");
            Check.Same(Row(Flat(step["b"])), Row(b.Value), 1e-12, $"b after step {adam.Steps}");
        }
        Assert.Equal(12, adam.Steps);
    }

    [Fact]
    public void Adam_has_pytorchs_defaults()
    {
        var adam = new Adam([new Parameter("p", [1], [0.0])]);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
    }

    [Fact]
    public void The_first_step_moves_every_weight_by_about_the_learning_rate()
    {
        var p = new Parameter("p", [3], [1.0, 2.0, 3.0]);
        var g = new Gradients([p]);
        g[p][0] = 1e-3; g[p][1] = -50; g[p][2] = 7;
        new Adam([p], learningRate: 0.1).Step(g);
        Assert.Equal(0.9, p.Value[0], 5); // eps shifts a tiny gradient's step a little
        Assert.Equal(2.1, p.Value[1], 6);
        Assert.Equal(2.9, p.Value[2], 6);
    }

    private static MathNet.Numerics.LinearAlgebra.Matrix<double> Row(double[] v) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowArrays(v);

    // loss = mean((X Wᵀ + b − Y)²) over 5 × 3 outputs; its gradients added into dW and db.
    private static double LeastSquares(double[] x, double[] y, double[] w, double[] b, double[] dW, double[] dB)
    {
        double loss = 0;
        for (int i = 0; i < 5; i++)
            for (int o = 0; o < 3; o++)
            {
                double r = x[i * 2] * w[o * 2] + x[i * 2 + 1] * w[o * 2 + 1] + b[o] - y[i * 3 + o];
                loss += r * r;
                double dr = 2 * r / 15;
                dW[o * 2] += dr * x[i * 2];
                dW[o * 2 + 1] += dr * x[i * 2 + 1];
                dB[o] += dr;
            }
        return loss / 15;
    }
}
