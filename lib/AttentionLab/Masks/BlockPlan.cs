namespace AttentionLab;

/// <summary>What a fused kernel does with one (query block, key block) pair: the heatmaps of lessons 11 and 12.</summary>
public enum BlockWork
{
    /// <summary>Every score in the block is hidden: the block is never computed.</summary>
    Skipped,

    /// <summary>Some scores are hidden: the block is computed, then masked.</summary>
    Masked,

    /// <summary>Nothing is hidden: the block is computed as is.</summary>
    Full,
}

/// <summary>
/// What a fused kernel does with each (query block, key block) pair of a mask (lesson 12): skip it, compute
/// it and mask some cells, or compute it whole. Derived from a <see cref="Mask"/> by <see cref="Mask.Plan"/>.
/// </summary>
public sealed class BlockPlan
{
    internal BlockPlan(int queryBlock, int keyBlock, int queries, int keys, BlockWork[,] work)
    {
        QueryBlock = queryBlock;
        KeyBlock = keyBlock;
        Queries = queries;
        Keys = keys;
        Work = work;
    }

    /// <summary>Queries per block (the last block may be shorter).</summary>
    public int QueryBlock { get; }

    /// <summary>Keys per block (the last block may be narrower).</summary>
    public int KeyBlock { get; }

    /// <summary>The mask's number of queries.</summary>
    public int Queries { get; }

    /// <summary>The mask's number of keys.</summary>
    public int Keys { get; }

    /// <summary>One entry per (query block, key block).</summary>
    public BlockWork[,] Work { get; }

    /// <summary>How many blocks are of the given kind.</summary>
    public int Count(BlockWork kind) => Work.Cast<BlockWork>().Count(w => w == kind);

    /// <summary>The share of the queries × keys cells that lie in blocks a kernel computes (partial or full).</summary>
    public double ComputedFraction
    {
        get
        {
            long cells = 0;
            for (int qb = 0; qb < Work.GetLength(0); qb++)
                for (int kb = 0; kb < Work.GetLength(1); kb++)
                    if (Work[qb, kb] != BlockWork.Skipped)
                        cells += (long)(Math.Min(Queries, (qb + 1) * QueryBlock) - qb * QueryBlock)
                                 * (Math.Min(Keys, (kb + 1) * KeyBlock) - kb * KeyBlock);
            return (double)cells / ((long)Queries * Keys);
        }
    }
}
