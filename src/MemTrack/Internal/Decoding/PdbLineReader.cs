using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Maps (method token, IL offset) to a source line through one module's portable PDB, separate or embedded.
/// Takes the last sequence point at or before the IL offset, skipping hidden points. When the IL offset is unknown
/// (negative) or precedes every sequence point, the method's file is still known: line 0. A module without a readable
/// portable PDB answers null for every query.
/// </summary>
internal sealed class PdbLineReader : IDisposable
{
    private readonly PEReader? _peReader;
    private readonly MetadataReaderProvider? _pdbProvider;
    private readonly MetadataReader? _pdb;

    private PdbLineReader(PEReader? peReader, MetadataReaderProvider? pdbProvider)
    {
        _peReader = peReader;
        _pdbProvider = pdbProvider;
        _pdb = pdbProvider?.GetMetadataReader();
    }

    public bool HasSymbols => _pdb is not null;

    /// <summary>Opens the PDB of the module at <paramref name="modulePath"/>; never throws.</summary>
    public static PdbLineReader Open(string modulePath)
    {
        PEReader? peReader = null;
        try
        {
            if (!File.Exists(modulePath))
            {
                return new PdbLineReader(null, null);
            }

            peReader = new PEReader(File.OpenRead(modulePath));
            if (peReader.TryOpenAssociatedPortablePdb(modulePath, OpenIfExists, out MetadataReaderProvider? provider, out _) && provider is not null)
            {
                return new PdbLineReader(peReader, provider);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            // No usable symbols: frames keep method and module only.
        }

        peReader?.Dispose();
        return new PdbLineReader(null, null);
    }

    /// <summary>
    /// The line of <paramref name="ilOffset"/> in the method; line 0 in the method's file when the offset is negative
    /// (optimized code can have native ranges the IL map leaves unmapped) or precedes every sequence point; null when
    /// the method has no sequence point or the module no PDB.
    /// </summary>
    public SourceLocation? Find(int methodToken, int ilOffset)
    {
        if (_pdb is null || (methodToken >> 24) != 0x06)
        {
            return null;
        }

        try
        {
            var handle = MetadataTokens.MethodDefinitionHandle(methodToken & 0x00FFFFFF);
            MethodDebugInformation info = _pdb.GetMethodDebugInformation(handle);
            SequencePoint? first = null;
            SequencePoint? best = null;
            foreach (SequencePoint point in info.GetSequencePoints())
            {
                if (point.IsHidden)
                {
                    continue;
                }

                first ??= point;
                if (ilOffset < 0 || point.Offset > ilOffset)
                {
                    break;
                }

                best = point;
            }

            if ((best ?? first) is not SequencePoint found)
            {
                return null;
            }

            string file = _pdb.GetString(_pdb.GetDocument(found.Document).Name);
            return new SourceLocation(file, best is null ? 0 : found.StartLine);
        }
        catch (Exception ex) when (ex is BadImageFormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _pdbProvider?.Dispose();
        _peReader?.Dispose();
    }

    private static Stream? OpenIfExists(string path) => File.Exists(path) ? File.OpenRead(path) : null;
}
