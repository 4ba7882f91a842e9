using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>
/// One shape of allocating code. Each allocating line ends with a marker comment <c>// alloc: T</c> naming the type it
/// allocates (a type nested in the shape, allocated on that line only), so the line each type's bytes belong on is
/// read from the source itself. A call the JIT may inline is marked <c>// inlines: T</c>: without rich debug info the
/// inlinee's allocations of T are charged to that line.
/// </summary>
internal abstract class Shape(string sourceFile)
{
    /// <summary>The shape's source file (the compiler's path, as the PDB names it).</summary>
    public string SourceFile { get; } = sourceFile;

    public string Name => GetType().Name;

    /// <summary>
    /// Methods (by <c>Type.Method</c> substrings of the runtime's method names) that must reach tier 1 before measuring.
    /// Not lambdas: the JIT may inline one everywhere it is called (guarded devirtualization), and its own body then
    /// never reaches tier 1.
    /// </summary>
    public abstract IReadOnlyList<string> HotMethods { get; }

    /// <summary>Iterations of one measured run; about 40 MB or more of allocations, for a few hundred samples per line.</summary>
    public virtual int Iterations => 200_000;

    /// <summary>Iterations of one warm-up call.</summary>
    public virtual int WarmIterations => 50;

    public abstract void Run(int iterations);

    protected static string Here([CallerFilePath] string path = "") => path;
}
