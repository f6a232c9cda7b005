namespace Shim.Scheduler.Framework;

/// <summary>Upstream's DefaultNormalizeScore: scale so the highest raw score becomes 100, optionally reversed.</summary>
public static class ScoreNormalization
{
    public static void ScaleToMax(long[] scores, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var max = scores.Length == 0 ? 0 : scores.Max();
        if (max == 0)
        {
            if (reverse)
                Array.Fill(scores, IScorePlugin.MaxNodeScore);
            return;
        }
        for (var i = 0; i < scores.Length; i++)
        {
            var scaled = IScorePlugin.MaxNodeScore * scores[i] / max;
            scores[i] = reverse ? IScorePlugin.MaxNodeScore - scaled : scaled;
        }
    }
}
