namespace MemTrack.Internal.Decoding;

/// <summary>The IL instructions that can leave a return address in native code, by opcode (<see cref="IlCallSites"/>).</summary>
internal enum IlCallKind : byte
{
    /// <summary><c>call</c>: its operand is a method.</summary>
    Call = 0x28,

    /// <summary><c>calli</c>: its operand is a signature.</summary>
    CallIndirect = 0x29,

    /// <summary><c>callvirt</c>: its operand is a method.</summary>
    CallVirtual = 0x6F,

    /// <summary><c>newobj</c>: its operand is a constructor; allocates an object of its type.</summary>
    NewObject = 0x73,

    /// <summary><c>box</c>: its operand is a type; allocates a box of it.</summary>
    Box = 0x8C,

    /// <summary><c>newarr</c>: its operand is the element type; allocates an array of it.</summary>
    NewArray = 0x8D,
}
