using System.Diagnostics;
using MemTrack.Internal.Analysis;

namespace MemTrack.Tests.Internal.Analysis;

public class GlobPatternTests
{
    // Random patterns over "ab-!*?[]" and texts over "ab-![]", with the answers of Python 3.11's
    // fnmatch.fnmatchcase(text, pattern): "pattern|text|1 or 0" per line.
    private const string PythonCases = """
*[?b[!|[ba!b[!|0
]|]|1
a[?|-abb!|0
|bb![b|0
b|b|1
-![|-![|1
??!-??b|!]ab|0
b!a|ba]|0
]!?]-?-|]!b]-!-|1
*-**!*||0
[*!-]-|[!-]-|0
|--[!|0
b?b?]*a|b-b!][b!a|1
*!a][b|!a][b|1
[*-]--]|[b-]-]--]|0
![-][*|a]]aa|0
-?-!*!|-a-!bb!|1
[|[|1
??a*|b[a!b|1
*||1
a-|[-[!|0
?|-[-]|0
--[-!?[|]|0
a]bbb??b|]-!aa-|0
-*ab|a-bab|0
[b!!?-|[b!!--|1
?-[[b[]?|a-[[b[]!|0
[|-baa|0
??[|[[[|1
*]?b|a|0
]a!b]]!-|]a!b]]!-|1
]]!|]]!|1
*]ba|]b]|0
]aa?|]aab|1
b-!?|b-!b|1
a|a|1
[*|a!b|0
||1
?a**?[a*|-a[a[a]|1
-[*?]|-[ba]a]|0
]]]|]|0
**b|]|0
!]?[!b]!|!][[!a]!|0
[*!-!|[ba!b!|0
a[-*a]]|a[-!aa]]|0
bb-a!a]?|aa|0
-!]?![*|][|0
*]b|!]b|1
?||0
a]]]ab]?|a]]]ab]]|1
!*|!a|1
]!?a|!!aa|0
?*bba*|-[!-bbaba]|1
?[*|b[ba|1
-][[|-][[|1
--|[-|0
?**!|]b[]|0
]-*|]aab|0
*a??|!a[!|1
*b[*b|!ab-b-b|0
a*]|abb-]|1
]]]a|b]]a![|0
b]*]|b]][b]|1
]-*b-]b|-bb|0
]!*]|b|0
|[a]|0
-??|-b[|1
-![!|-![!|1
?b-]!]ab|a|0
![a]b[[?|![a]b[[!|0
-*|--]|1
]]|]-|0
a[?b]|-|0
a**?*?|a---!]|1
[!!b-|[!bb-|0
a[]--!|[[]--!|0
]b?|b]-|0
!]*]*a|!]!!]-!!a|1
]!?bb?]|]!]bb]]|1
]!?!ab[|![!b-|0
-|-|1
*?**aa?b|[[!b!![aa[b|1
[*|!-|0
!b[b|!b[b|1
a|]!!|0
]*!baa-|[|0
b!-]--*|b!-]---ab|1
-*]a[]?[|-[]-[][[|0
[[!?]a[b|[[!-]a[b|0
-??*a|]!a[|0
a*!!?|aa-b!!!|1
aa]][-|aa]][-|1
!*[--*||0
ab-]|ab-]|1
bbb[!|bbb[!|1
-[ba-a!|![ba-a!|0
a]b|a]b|1
[?[][!|[[[][!|0
?|b|1
-[ba|-[ba|1
a|!a|0
!*?a|!]-[a|1
bb]?*a||0
*-aa[|-b-aab|0
b?|[b]!|0
b*]ab*|b]ab]b|1
-??]-b-?|-bb]|0
?*!|!bb!|1
![-b[*b|![-[[-b|0
[?b|]!|0
-baa]??|-ba]]-a|0
!--[---*||0
*---][*|a----][]|1
aa?aa-|a-!aa-|0
a--!b[|a--!b[|1
?-a--|a-a-a|0
?!?]*b[]|ba]|0
-*a*-!!|!|0
a*]b]|a[[]b]|1
]-a-b|[!-|0
]]!|]a!|0
*-]!-!*|-][-![!a|0
a[b[?*|a[b[aa]|1
?ab*a|!aba|1
!a*a!|!ab[ba!|1
a][!|a][!|1
!]||0
?*-|b!]-|1
b][?*a?!|b][][a!!|1
!-![]b|!-![]b|1
*[]|[[]]|0
*]?a?]a|!][]aaa]a|1
*aab[*-|aab[b-|1
?]!b!?b|-]!b![-|0
|![b-a]|0
b*??]||0
*]!b-a!|b]!b-a!|1
!|!|1
-baa!!b|-baa!!b|1
?![!b|[![!b|1
--!|ab[[|0
[?]|[-]|0
bb|[|0
b*!b!*|b!bb|0
!-[|]|0
a[]**[|a[]bb-][|1
b?[]b|bb[]b|1
!*b|!-[|0
--a]|--a]|1
!?[|![[|1
[!|[!|1
!a|!a|1
!![|!![|1
?]b|[]b|1
??-!|]|0
*-[?a]|[a--[!a]|0
]aab-!|bb|0
|]![!-!|0
[?!b!]a|![]|0
a-a-?b|a-abab|0
**|a]|1
*bab]|!!b|0
-!|!|0
*!![|b|0
?a!??!*|aa!-[!!|1
-!|-!|1
-!*bab|-!]-abab|1
**|aab|1
![|b[bb[-|0
!*[[ab*|!][[ab|1
*]|]|1
*]a[?-*|!b[]a[[-a|1
ab|-b|0
b]]!!|b]]!!|1
?-!]|a-!]|1
a]b]-|a]b]-|1
|]-[-a|0
[||0
]![?|]][[|0
![]*b|![]b|1
!?|!!|1
[|bb|0
?-][[b?]|a-][[b]]|0
]**]?b!|]]ba-]ab!|1
[!]?|[!]b|1
]][][]?!|]][][]!!|0
[b*|[b|1
a]a?|a]a]|1
*a![aa|-a-a|0
!!*||0
|!-b[b|0
-b|[!|0
]a|[a|0
|![bb[|0
**ab|][[-]!ab|1
!?]a?||0
![a*||0
[]?ab*!b|[]bab]a[!b|1
!]|!]|1
-a[|--[|0
[a??!|-]|0
[a]a?!b|[a]a[!b|0
-[|-[|1
-][!b-|-][!b-|1
?!*]|-!aa]]|1
-??-b??|-]--b!a|1
|-aa|0
b?a]*a*!|b!a]!a!]!|1
b!b|b!b|1
[[-b-?[|[]-b-[[|0
?|]!bb|0
*]ab?|b-!]a|0
[-*-|[---|1
a]?-?-*|a]]-a-!!]|1
--|!-|0
b!]b-|b!]b-|1
*a]]]b]a|-]a]]]b]a|1
*b?ab*b|b!ab]-ab|1
?-|--|1
]|!]a!|0
b[*!||0
?]|]]|1
a[[aa??|a[[aa![|1
]ab]b*|ab!!]-|0
[?bbbb-|[]bbbb-|1
*]!b[|!!]!b[|1
!!!||0
b![[??bb|b![[a[bb|1
!b|!b|1
?![?|[![]|1
]]!b!!|b|0
ba]]-![|ba]]-![|1
*b-aa??|b-aa!a|1
ab[?b|ab[]b|1
--[!|--[!|1
??|a[|1
a]*]a!|a]]]a!|1
**?|aabb|1
b!*[b?]!|b![b[]!|0
[a]b|[a]b|0
!!a?[--|!!ab]--|0
-aa-]]!a|]!!ab!|0
-]-bb!||0
***|-b!!!-|1
ba--]|!!]-[]|0
][-||0
!aa||0
]?[]!b[|]][]!b[|1
]-a!-|]-a!-|1
[a|[a|1
-a![b|aa!]b|0
--a[b?ab|[abbab|0
[|aa|0
]a[b|b-a]]a|0
b|-|0
[a[[[|[a[[[|1
b|b]|0
**||1
b?!][a|b!!][a|1
-?*a!!|---]a!!|1
?!?-?|b![-a|1
*aba!?*[|[]]|0
!-a|!-a|1
--?-|--]-|1
!|--[-|0
!!a||0
b?b!|ab]!-|0
*|a[ba|1
?|[|1
][[[[*]|][[[[bab]|0
a-!|a-!|1
[!|]!|0
[-aaa[*!|]-!b]|0
b[?!|-|0
*b?[-*?|b!-b][-[b|1
a[!!|a]|0
[a??*b|[a!bb|1
??b-|[]b-|1
[?|[!|1
]?|]a|1
a[a|a[a|1
]|a|0
[|-|0
[?!b*[?!||0
][b[|][b[|1
aa!--bb|aa!--bb|1
-||0
!!!?!!*|b]|0
?-*b[?-|]!a[b|0
[]-b!-[|[]-b!-[|1
ba?[]!b||0
!*!-aa[|!aa!-aa[|1
-a[!*-]|-a[!!-]|0
?]?-]b[b|a]-!]b[b|0
**?-b[|b!aa-[-b[|1
bbb|bbb|1
*|-|1
a|-[!!b-|0
?|!|1
?*b?|]a[b]|1
!!!*|!!!]b|1
-]--?*|[|0
]?[[*|]b[[]-|1
-!|-]|0
!a-!*?*?|a|0
b-aa]|b-aa]|1
-??-|-]--|1
!-!*ab?|!-!-]]ab-|1
[[|[-|0
?a]*-[[|ba]baa-[[|1
*|!!|1
-a*|-a[a-|1
a*||0
?!b--|a!b--|1
]*![bb]|]![bb]|0
ababb!-b|ababb!-b|1
*![*|]b[|0
b!?a|b!!a|1
[|[a-]|0
baa]*bb|baa]bb|1
a[!?-!-[|a[!b-!-[|1
a]|a]|1
b!b?|---|0
?|[a[!-|0
!a[ab[]|!a[ab[]|0
!*?*|]!|0
-|]|0
b|[[!|0
*a|a|1
-[]]b-!|-[]]b-!|0
b[-b?a!|!]!a|0
[*[?*!|[!!a!]|0
a[?!]-![|-a-|0
[]!?]!!|[]!!]!!|0
ba|ba|1
a*-|ab]-|1
-b|-b|1
b-[![[|-a|0
!![?]]|-a[!]a|0
!!?*-b|!!bab-b|1
b*][-!b|a-|0
a!|a!|1
ab|aa|0
a*b|aa-b|1
!|]!]-[|0
-|!|0
a[|a[|1
**?[b]|]a|0
?]?b-b-]|-][b-b-]|1
-]b*a|[!-bb|0
*a?-a*|a!-a|1
b*[!a]?|b[!a]-|1
!*]-]![a|!!!a]-]![a|1
]??*-|[|0
]?--a]||0
!][[-|!][[-|1
?b]|]b]|1
b[|b-|0
-[?a*|![ab!|0
?!*[|b!-[|1
[|]|0
?b!|-b!|1
]![]a!]|]![]a!]|0
*]?|]b]]-|1
*bbaba[a|ba-bbaba]a|0
b?b[-||0
a??aa**|b[]!!b|0
!]!|!]!|1
|-a--a!|0
a*[a|]![a|0
!*]-?-?-|a]|0
ab!*?b|]b]b-|0
**!b!a|[b!-a|0
?!|b!|1
]-|]-|1
]*|--|0
?|a|1
b?]*b!b]|b!]b!b]|1
]!-?aab]|]!-]aab]|1
a[?a[-*|a[!a!-[a|0
!?*]|!]]]|1
[!b?*[*|[!b-[baa|1
]!?a!|]!!a!|1
!?a]]|!]a]]|1
*aaa?-]|aa!]-]|0
a]|aa|0
??[]-|[[[]-|1
b-bb[-?!|b-bb[--!|1
[|b|0
?[a|][a|1
a**![-*|a]b][![-]|1
?[!]|[[[]|0
b?b---?a|b]b---]a|1
a[a[]|a[a[]|0
?|]|1
a-?!*|b!|0
-a!-aaa|-a!]aaa|0
![-*!aa!|![-!]-!aa!|1
!a*!bb?|!a[[!bba|1
[|!|0
""";

    public static TheoryData<string, string, bool> PythonCaseData()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (string line in PythonCases.Split('\n'))
        {
            string[] parts = line.Split('|');
            data.Add(parts[0], parts[1], parts[2] == "1");
        }

        return data;
    }

    [Theory]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "anything/at/all", true)]
    [InlineData("***", "x", true)]
    [InlineData("***", "", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "a", true)]
    [InlineData("?", "ab", false)]
    [InlineData("??", "ab", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "a/c", true)]
    [InlineData("*.cs", "/src/App/Program.cs", true)]
    [InlineData("*.cs", "/src/App/Program.csx", false)]
    [InlineData("*/App/*", "/src/App/Program.cs", true)]
    [InlineData("*App*", "C:\\src\\App\\x.cs", true)]
    [InlineData("Program.cs", "program.cs", false)]
    [InlineData("*.CS", "x.cs", false)]
    [InlineData("[abc]", "b", true)]
    [InlineData("[abc]", "d", false)]
    [InlineData("[!abc]", "d", true)]
    [InlineData("[!abc]", "a", false)]
    [InlineData("[a-z]", "m", true)]
    [InlineData("[a-z]", "M", false)]
    [InlineData("[a-z0-9]", "5", true)]
    [InlineData("[!a-z]", "5", true)]
    [InlineData("[z-a]", "m", false)]
    [InlineData("[z-a]", "z", false)]
    [InlineData("[!z-a]", "m", true)]
    [InlineData("[]]", "]", true)]
    [InlineData("[]a]", "a", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[!]]", "x", true)]
    [InlineData("[", "[", true)]
    [InlineData("[", "a", false)]
    [InlineData("[]", "[]", true)]
    [InlineData("[!]", "[!]", true)]
    [InlineData("[abc", "[abc", true)]
    [InlineData("[abc", "a", false)]
    [InlineData("a[", "a[", true)]
    [InlineData("[-a]", "-", true)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[a-]", "b", false)]
    [InlineData("[a-c-e]", "-", true)]
    [InlineData("[a-c-e]", "d", false)]
    [InlineData("[a-c-e]", "e", true)]
    [InlineData("[--a]", "0", true)]
    [InlineData("[\\]", "\\", true)]
    [InlineData("\\*", "\\x", true)]
    [InlineData("\\*", "*", false)]
    [InlineData("[*]", "*", true)]
    [InlineData("[*]", "x", false)]
    [InlineData("[?]", "?", true)]
    [InlineData("[?]", "a", false)]
    [InlineData("System.Byte[]", "System.Byte[]", true)]
    [InlineData("System.Int32[][]", "System.Int32[][]", false)]
    [InlineData("System.Int32[][]", "System.Int32]", true)]
    [InlineData("System.Int32[[][]][[][]]", "System.Int32[][]", true)]
    [InlineData("MyApp.*", "MyApp.Order", true)]
    [InlineData("MyApp.*", "MyApp", false)]
    [InlineData("*a*b", "xaxbxb", true)]
    [InlineData("*a*b", "xaxbxc", false)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("*x", "xxxxx", true)]
    [InlineData("x*", "x", true)]
    [InlineData("?*?", "a", false)]
    [InlineData("?*?", "ab", true)]
    [InlineData("a\nb", "a\nb", true)]
    [InlineData("a?b", "a\nb", true)]
    [InlineData("*", "line1\nline2", true)]
    [InlineData("?", "\U0001F600", true)]
    [InlineData("??", "\U0001F600", false)]
    [InlineData("[\U0001F600]", "\U0001F600", true)]
    [InlineData("*.cs", "\u00E9t\u00E9.cs", true)]
    [InlineData("[^a]", "^", true)]
    [InlineData("[^a]", "b", false)]
    [InlineData("[a&&b]", "&", true)]
    [InlineData("[a|b]", "|", true)]
    [InlineData("a[!b]c", "a/c", true)]
    public void Matches_like_python_fnmatchcase(string pattern, string text, bool expected) =>
        Assert.Equal(expected, new GlobPattern(pattern).IsMatch(text));

    [Theory]
    [MemberData(nameof(PythonCaseData))]
    public void Matches_random_cases_like_python_fnmatchcase(string pattern, string text, bool expected) =>
        Assert.Equal(expected, new GlobPattern(pattern).IsMatch(text));

    [Fact]
    public void The_python_cases_cover_matches_and_mismatches()
    {
        TheoryData<string, string, bool> data = PythonCaseData();
        Assert.Equal(400, data.Count);
        Assert.Contains(data, row => (bool)row[2]);
        Assert.Contains(data, row => !(bool)row[2]);
    }

    [Fact]
    public void Long_texts_are_matched_without_stack_buffers()
    {
        string text = new string('a', 10_000) + ".cs";
        Assert.True(new GlobPattern("*.cs").IsMatch(text));
        Assert.False(new GlobPattern("*.vb").IsMatch(text));
        Assert.True(new GlobPattern("a?a*[.]cs").IsMatch(text));
    }

    [Fact]
    public void Pathological_patterns_finish_quickly()
    {
        // A backtracking regex takes exponential time here; the iterative matcher is O(pattern x text).
        string text = new('a', 5_000);
        var stopwatch = Stopwatch.StartNew();
        Assert.False(new GlobPattern(string.Concat(Enumerable.Repeat("a*", 30)) + "b").IsMatch(text));
        Assert.True(new GlobPattern(string.Concat(Enumerable.Repeat("*a", 30)) + "*").IsMatch(text));
        Assert.False(new GlobPattern(new string('*', 100_000) + "b").IsMatch(text));
        Assert.True(new GlobPattern(new string('[', 100_000)).IsMatch(new string('[', 100_000)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Very_long_literal_pattern_matches_itself_only()
    {
        string pattern = new('x', 200_000);
        var glob = new GlobPattern(pattern);
        Assert.True(glob.IsMatch(pattern));
        Assert.False(glob.IsMatch(pattern + "x"));
        Assert.False(glob.IsMatch(pattern[1..]));
    }

    [Fact]
    public void A_lone_surrogate_matches_itself_and_counts_as_one_character()
    {
        Assert.True(new GlobPattern("a\uD800b").IsMatch("a\uD800b"));
        Assert.False(new GlobPattern("a\uD800b").IsMatch("a\uDC00b"));
        Assert.True(new GlobPattern("a?b").IsMatch("a\uD800b"));
    }

    [Fact]
    public void Pattern_is_kept_and_shown()
    {
        var glob = new GlobPattern("*.cs");
        Assert.Equal("*.cs", glob.Pattern);
        Assert.Equal("*.cs", glob.ToString());
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new GlobPattern(null!));
        Assert.Throws<ArgumentNullException>(() => new GlobPattern("*").IsMatch(null!));
    }
}
