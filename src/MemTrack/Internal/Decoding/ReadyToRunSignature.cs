using System.Buffers.Binary;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Skips the method signature that keys each generic instantiation in a ReadyToRun image's instance entry point
/// table, to reach the entry point that follows it and to learn which MethodDef it instantiates. The layout is the
/// runtime's (<c>ReadyToRunInfo::MethodIterator::ParseGenericMethodSignatureAndRid</c> and
/// <c>SigParser::SkipExactlyOne</c> in dotnet/runtime): flags, an optional module override, an optional owner type,
/// the method's RID, then the optional method instantiation. Types are ECMA-335 signatures plus the runtime's
/// <c>*_ZAPSIG</c> element types. Answers false on anything it does not know, never throws.
/// </summary>
internal static class ReadyToRunSignature
{
    private const uint FlagMethodInstantiation = 0x04;
    private const uint FlagSlotInsteadOfToken = 0x08;
    private const uint FlagMemberRefToken = 0x10;
    private const uint FlagConstrained = 0x20;
    private const uint FlagOwnerType = 0x40;
    private const uint FlagUpdateContext = 0x80;

    private const byte ElementPtr = 0x0F;
    private const byte ElementByRef = 0x10;
    private const byte ElementValueType = 0x11;
    private const byte ElementClass = 0x12;
    private const byte ElementVar = 0x13;
    private const byte ElementArray = 0x14;
    private const byte ElementGenericInst = 0x15;
    private const byte ElementTypedByRef = 0x16;
    private const byte ElementI = 0x18;
    private const byte ElementU = 0x19;
    private const byte ElementFnPtr = 0x1B;
    private const byte ElementObject = 0x1C;
    private const byte ElementSzArray = 0x1D;
    private const byte ElementMVar = 0x1E;
    private const byte ElementCModReqd = 0x1F;
    private const byte ElementCModOpt = 0x20;
    private const byte ElementSentinel = 0x41;
    private const byte ElementPinned = 0x45;
    private const byte ElementVarZapSig = 0x3B;
    private const byte ElementNativeValueTypeZapSig = 0x3D;
    private const byte ElementCanonZapSig = 0x3E;
    private const byte ElementModuleZapSig = 0x3F;

    private const int MaxDepth = 64;

    /// <summary>
    /// Skips the instance entry point signature at <paramref name="offset"/>. <paramref name="rid"/> is the MethodDef
    /// RID it names; <paramref name="inThisModule"/> says whether that RID is one of this image's own MethodDefs
    /// (false when the method or its owner type belongs to another module, or the token is a MemberRef).
    /// </summary>
    public static bool TrySkipMethodEntry(ReadOnlySpan<byte> data, ref int offset, out uint rid, out bool inThisModule)
    {
        rid = 0;
        inThisModule = false;
        if (!TryReadCompressed(data, ref offset, out uint flags) || (flags & FlagSlotInsteadOfToken) != 0)
        {
            return false;
        }

        bool local = (flags & (FlagUpdateContext | FlagMemberRefToken)) == 0;
        if ((flags & FlagUpdateContext) != 0 && !TryReadCompressed(data, ref offset, out _))
        {
            return false;
        }

        if ((flags & FlagOwnerType) != 0)
        {
            // The MethodDef belongs to the module that defines the owner type: another one if the type says so.
            local &= !OwnerTypeIsInOtherModule(data, offset);
            if (!TrySkipType(data, ref offset, 0))
            {
                return false;
            }
        }

        if (!TryReadCompressed(data, ref offset, out rid))
        {
            return false;
        }

        if ((flags & FlagMethodInstantiation) != 0)
        {
            if (!TryReadCompressed(data, ref offset, out uint count) || count > 1024)
            {
                return false;
            }

            for (uint i = 0; i < count; i++)
            {
                if (!TrySkipType(data, ref offset, 0))
                {
                    return false;
                }
            }
        }

        if ((flags & FlagConstrained) != 0 && !TrySkipType(data, ref offset, 0))
        {
            return false;
        }

        inThisModule = local;
        return true;
    }

    /// <summary>ECMA-335 compressed unsigned integer (1, 2 or 4 bytes, big-endian).</summary>
    public static bool TryReadCompressed(ReadOnlySpan<byte> data, ref int offset, out uint value)
    {
        value = 0;
        if ((uint)offset >= (uint)data.Length)
        {
            return false;
        }

        byte first = data[offset];
        if ((first & 0x80) == 0)
        {
            value = first;
            offset += 1;
            return true;
        }

        if ((first & 0xC0) == 0x80)
        {
            if (offset + 2 > data.Length)
            {
                return false;
            }

            value = ((uint)(first & 0x3F) << 8) | data[offset + 1];
            offset += 2;
            return true;
        }

        if ((first & 0xE0) == 0xC0)
        {
            if (offset + 4 > data.Length)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4)) & 0x1FFFFFFF;
            offset += 4;
            return true;
        }

        return false;
    }

    /// <summary>Skips one type (<c>SigParser::SkipExactlyOne</c>), custom modifiers before it included.</summary>
    public static bool TrySkipType(ReadOnlySpan<byte> data, ref int offset, int depth)
    {
        if (depth > MaxDepth || !TrySkipModifiers(data, ref offset) || (uint)offset >= (uint)data.Length)
        {
            return false;
        }

        byte type = data[offset++];
        if (type < ElementPtr || type == ElementI || type == ElementU)
        {
            return true; // primitive types, string included
        }

        switch (type)
        {
            case ElementVar:
            case ElementMVar:
            case ElementVarZapSig:
                return TryReadCompressed(data, ref offset, out _);
            case ElementObject:
            case ElementTypedByRef:
            case ElementCanonZapSig:
                return true;
            case ElementByRef:
            case ElementPtr:
            case ElementPinned:
            case ElementSzArray:
            case ElementNativeValueTypeZapSig:
                return TrySkipType(data, ref offset, depth + 1);
            case ElementValueType:
            case ElementClass:
                return TryReadCompressed(data, ref offset, out _);
            case ElementModuleZapSig:
                return TryReadCompressed(data, ref offset, out _) && TrySkipType(data, ref offset, depth + 1);
            case ElementFnPtr:
                return TrySkipMethodSignature(data, ref offset, depth + 1);
            case ElementArray:
                return TrySkipArrayShape(data, ref offset, depth + 1);
            case ElementGenericInst:
                if (!TrySkipType(data, ref offset, depth + 1) || !TryReadCompressed(data, ref offset, out uint count) || count > 1024)
                {
                    return false;
                }

                for (uint i = 0; i < count; i++)
                {
                    if (!TrySkipType(data, ref offset, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Whether the owner type at <paramref name="offset"/> is another module's (a <c>MODULE_ZAPSIG</c> prefix, on it or on its generic definition).</summary>
    private static bool OwnerTypeIsInOtherModule(ReadOnlySpan<byte> data, int offset)
    {
        if (!TrySkipModifiers(data, ref offset) || (uint)offset >= (uint)data.Length)
        {
            return true;
        }

        byte type = data[offset];
        if (type == ElementGenericInst)
        {
            offset++;
            if (!TrySkipModifiers(data, ref offset) || (uint)offset >= (uint)data.Length)
            {
                return true;
            }

            type = data[offset];
        }

        return type == ElementModuleZapSig;
    }

    private static bool TrySkipModifiers(ReadOnlySpan<byte> data, ref int offset)
    {
        while ((uint)offset < (uint)data.Length && data[offset] is ElementCModReqd or ElementCModOpt)
        {
            offset++;
            if (!TryReadCompressed(data, ref offset, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkipMethodSignature(ReadOnlySpan<byte> data, ref int offset, int depth)
    {
        if ((uint)offset >= (uint)data.Length)
        {
            return false;
        }

        byte callingConvention = data[offset++];
        if ((callingConvention & 0x10) != 0 && !TryReadCompressed(data, ref offset, out _))
        {
            return false; // generic: the count of its type parameters
        }

        if (!TryReadCompressed(data, ref offset, out uint parameters) || parameters > 1024 || !TrySkipType(data, ref offset, depth))
        {
            return false;
        }

        for (uint i = 0; i < parameters; i++)
        {
            if ((uint)offset < (uint)data.Length && data[offset] == ElementSentinel)
            {
                offset++; // the start of a vararg method's optional parameters
            }

            if (!TrySkipType(data, ref offset, depth))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkipArrayShape(ReadOnlySpan<byte> data, ref int offset, int depth)
    {
        if (!TrySkipType(data, ref offset, depth) || !TryReadCompressed(data, ref offset, out uint rank))
        {
            return false;
        }

        if (rank == 0)
        {
            return true;
        }

        // The sizes, then the lower bounds: each a count and that many compressed integers.
        for (int list = 0; list < 2; list++)
        {
            if (!TryReadCompressed(data, ref offset, out uint count) || count > 64)
            {
                return false;
            }

            for (uint i = 0; i < count; i++)
            {
                if (!TryReadCompressed(data, ref offset, out _))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
