using System.Reflection.Emit;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Finds the IL instructions of a method body that can leave a return address in its native code: calls
/// (<c>call</c>, <c>callvirt</c>, <c>calli</c>), and the instructions the JIT turns into calls of allocation helpers
/// (<c>newobj</c>, <c>newarr</c>, <c>box</c>). Operand sizes come from <see cref="OpCodes"/>, so every valid opcode
/// is stepped over correctly; a truncated or unknown instruction ends the scan with what was found before it.
/// </summary>
internal static class IlCallSites
{
    private static readonly int[] OneByteOperandSizes = OperandSizes(twoByte: false);
    private static readonly int[] TwoByteOperandSizes = OperandSizes(twoByte: true);

    /// <summary>The call-like instructions in <paramref name="il"/>, by ascending offset.</summary>
    public static IlCallSite[] Find(ReadOnlySpan<byte> il)
    {
        var sites = new List<IlCallSite>();
        int offset = 0;
        while (offset < il.Length)
        {
            int start = offset;
            byte code = il[offset++];
            int operand;
            if (code == 0xFE)
            {
                if (offset >= il.Length)
                {
                    break;
                }

                operand = TwoByteOperandSizes[il[offset++]];
            }
            else
            {
                operand = OneByteOperandSizes[code];
                if (code == 0x45 && offset + 4 <= il.Length)
                {
                    // switch: a count, then that many 4-byte targets.
                    long count = BitConverter.ToUInt32(il.Slice(offset, 4));
                    operand = (int)Math.Min(int.MaxValue, 4 + (4 * count));
                }

                if (IsCallLike(code) && offset + 4 <= il.Length)
                {
                    sites.Add(new IlCallSite(start, (IlCallKind)code, BitConverter.ToInt32(il.Slice(offset, 4))));
                }
            }

            if (operand < 0 || offset + (long)operand > il.Length)
            {
                break;
            }

            offset += operand;
        }

        return [.. sites];
    }

    /// <summary><c>call</c>, <c>calli</c>, <c>callvirt</c>, <c>newobj</c>, <c>box</c>, <c>newarr</c>.</summary>
    private static bool IsCallLike(byte code) => Enum.IsDefined((IlCallKind)code);

    /// <summary>Operand bytes per opcode value (-1: no such opcode); switch's size depends on its count.</summary>
    private static int[] OperandSizes(bool twoByte)
    {
        var sizes = new int[256];
        Array.Fill(sizes, -1);
        foreach (var field in typeof(OpCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            if (field.GetValue(null) is not OpCode opCode || (opCode.Size == 2) != twoByte)
            {
                continue;
            }

            sizes[opCode.Value & 0xFF] = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4,
                _ => 4,
            };
        }

        return sizes;
    }
}
