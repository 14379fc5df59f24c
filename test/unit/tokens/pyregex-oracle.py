#!/usr/bin/env python3
"""Regenerates test/unit/tokens/pyregex-oracle.ts: what Python's `re` does with each case.

The tests must not need Python, so the answers are stored as data. Run from the repository root
with the Python whose `re` is the reference (the cases were generated with Python 3.11):

    python3 test/unit/tokens/pyregex-oracle.py > test/unit/tokens/pyregex-oracle.ts

Each case is (pattern, subject) or (pattern, subject, flags) where flags are the letters the
callers pass to compilePythonRegex and mean re.I / re.M / re.S here. For a pattern Python
accepts, the answer is every re.finditer match as [start, end, g1start, g1end, g2start, ...]
in UTF-16 offsets (-1 for a group that did not participate); for one it rejects, the message.
"""
import json
import re
import sys
import warnings

warnings.simplefilter('ignore')

CORPUS_SUBJECT = (
    '{"Ak_IP":"1.2.3.4","bytes":"512","city":"Zürich","cliIP":"10.0.0.1","country":"CH",'
    '"cp":"1.5","end-user-ip":"5.6.7.8","forward-origin-ip":"9.9.9.9","id":"ab-c_1é",'
    '"lastByte":"1","lastMileRTT":"23","lat":"-47.37","long":"8.54","receiver_id":"",'
    '"start":"1600000000"}'
)
TIMES = ('Jan 12 10:11:12:123 x 2021-01-12 10:11:12:123 12/Jan/2021 10:11:12:1 '
         '12-01-2021 10:11:12.123456 12/Jan/2021:10:11:12.123 2021-01-12 10:11:12,123 '
         '2021-01-12T10:11:12 2021-01-12T10:11:12,123456 10:11:12 ٢٠٢١-٠١-١٢ 10:11:12')

CASES = [
    # --- eventgen corpus token regexes (token.N.token) on typical events
    *[(p, CORPUS_SUBJECT) for p in [
        r'"Ak_IP":"(\d+.\d+.\d+.\d+)', r'"bytes":"(\d+)', r'"city":"(\w+)', r'"cliIP":"(\d+.\d+.\d+.\d+)',
        r'"country":"(\w+)', r'"cp":"([\d\.]+)', r'"end-user-ip":"(\d+.\d+.\d+.\d+)',
        r'"forward-origin-ip":"(\d+.\d+.\d+.\d+)', r'"id":"([\w\-]+)', r'"lastByte":"(\d+)',
        r'"lastMileRTT":"(\d+)', r'"lat":"(-?\d+.\d+)', r'"long":"(-?\d+.\d+)', r'"receiver_id":"(\d*)',
        r'"start":"(\d+)',
    ]],
    *[(p, TIMES) for p in [
        r'((\w+\s+\d+\s+\d{2}:\d{2}:\d{2}:\d{3})|(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}))',
        r'\d{1,2}/\w{3}/\d{4}\s\d{2}:\d{2}:\d{2}:\d{1,3}', r'\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}.\d{3,6}',
        r'\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2}.\d{3,6}', r'\d{2}:\d{2}:\d{2}', r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}',
        r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3,6}', r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}',
        r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},\d{3,6}',
    ]],
    *[(p, 'AAAAAAAAAA BBBBBBBBBB (randint) @@int1 @@integer XXXXXXXXXX YYYYYYYYYY') for p in [
        r'(AAAAAAAAAA)', r'(BBBBBBBBBB)', r'(XXXXXXXXXX)', r'(randint)', r'@@int1', r'@@integer',
    ]],
    (r'^(\d{14})\.\d{6}', '20210112101112.123456 rest\n20210112101113.000001 more'),
    (r'^(\d{14})\.\d{6}', '20210112101112.123456 rest\n20210112101113.000001 more', 'm'),
    (r'^\d{14}\.\d{6}', 'a\n20210112101112.123456\r\n20210112101113.000001\r20210112101114.000001', 'm'),
    (r'[^\r\n\s]+', 'one two\tthree\r\nfour\u00a0five\u2003six'),
    (r'sample.*', 'sample.tutorial1'),
    (r'sample\d', 'sample1 sample١ samplex'),
    (r'timeorder\.csv', 'timeorder.csv timeorderXcsv'),

    # --- global inline flags
    (r'(?i)abc', 'ABC aBc abc'),
    (r'(?m)^\w+$', 'one\ntwo\r\nthree'),
    (r'(?s)a.b', 'a\nb a\rb'),
    (r'a.b', 'a\nb a\rb a\u2028b a\u0085b'),
    (r'(?im)^ab$', 'AB\nab\nAb'),
    (r'(?i)(?m)^x', 'X\nx'),
    (r'(?#note)(?i)x', 'X'),
    (r'(?x) a b # comment', 'ab a b'),
    (r'(?x) a\ b [ #] \# c', 'a b #c a b  #c'),
    (r'(?x)a{1, 2}', 'a{1,2}'),
    (r'(?x)(?P<n> \d + ) - (?P=n)', '12-12 3-4'),
    (r'(?a)\w+', 'café naïve'),
    (r'(?u)\w+', 'café naïve'),
    (r'(?a)\d+', '٣4'),
    (r'(?a)\s+', 'a\u00a0\u2003 \t\nb'),
    (r'(?ai)k', 'kK\u212a'),
    (r'(?i)a(?m)b', 'ab'),
    (r'a|(?i)b', 'ab'),
    (r'((?i)a)', 'a'),
    (r'(?L)a', 'a'),
    (r'(?au)a', 'a'),
    (r'(?a)(?u)a', 'a'),
    (r'(?z)a', 'a'),
    (r'(?i', 'a'),
    (r'(?i-', 'a'),
    (r'(?-)', 'a'),
    (r'(?i+)', 'a'),

    # --- scoped inline flags
    (r'(?i:ab)c', 'ABc ABC abc'),
    (r'a(?i:b)c', 'aBc ABC abc'),
    (r'(?i)a(?-i:b)c', 'Abc ABC aBC abC'),
    (r'(?i:a(?-i:b))', 'AB Ab ab'),
    (r'(?s:.).', 'a\n\nb\nc'),
    (r'(?s)(?-s:.).', 'a\n\nb'),
    (r'(?m:^a)|^b', 'b\na\nb'),
    (r'(?m)(?-m:^a)', 'a\na'),
    (r'(?x:a b)c d', 'abc d abcd'),
    (r'(?a:\w+)\w+', 'éaé éé'),
    (r'(?a)(?u:\w)+', 'éaé'),
    (r'(?i-s:a.)', 'A\n ab'),
    (r'(?-i:a)', 'a A'),
    (r'(?i)(?-i:[a-c]+)', 'ABC abc'),
    (r'(?-a:a)', 'a'),
    (r'(?i-i:a)', 'a'),
    (r'(?t:a)', 'a'),

    # --- Unicode classes
    (r'\w+', 'café naïve 日本語 abc_123 ٣٤ ² Ⅻ x\u0301y'),
    (r'\d+', '123 ٣٤٥ ۱۲ ² ½ 𝟘𝟙'),
    (r'\s+', 'a\u00a0b\u2003c\u3000d\x1ce\x85f\ufeffg\u200bh\x0bi\x0cj'),
    (r'\W+', 'café, naïve! 日本'),
    (r'\D+', 'x٣y²z'),
    (r'\S+', 'a\u00a0b\ufeffc'),
    (r'\bcafé\b', 'café cafés écafé café'),
    (r'\b\w+\b', 'naïve 日本 x'),
    (r'\B', ''),
    (r'\b', ''),
    (r'\Bé', 'aé é'),
    (r'[\w-]+', 'ab-cé_1 x'),
    (r'[\w\-]+', 'ab-cé_1 x'),
    (r'[^\W\d]+', 'ab12cé٣'),
    (r'[\d\.]+', '1.2٣.4'),
    (r'[\s\S]+', 'a\nb'),
    (r'[^\s]+', 'a\u00a0b c'),
    (r'[\D]', '1a'),

    # --- quantifiers and braces
    (r'a{,3}', 'aaaaa'),
    (r'a{2,}', 'a aa aaa'),
    (r'a{2}', 'aaaaa'),
    (r'a{1,2}?', 'aaa'),
    (r'a{0}b', 'ab'),
    (r'a{}', 'a{} aa'),
    (r'a{,}', 'aaa'),
    (r'a{x}', 'a{x}'),
    (r'a{1,2', 'a{1,2'),
    (r'{', 'a{b'),
    (r'x{ 1}', 'x{ 1}'),
    (r'a{2,1}', 'aa'),
    (r'a**', 'aa'),
    (r'*a', 'a'),
    (r'a|*', 'a'),
    (r'^*', 'a'),
    (r'\b+', 'a'),
    (r'(?=a)*a', 'a'),
    (r'(?:a*)*b', 'aab'),
    (r'a*?b', 'aab'),
    (r'(ab)+', 'ababx'),

    # --- anchors
    (r'\Aab', 'ab ab'),
    (r'ab\Z', 'ab\nab'),
    (r'ab\Z', 'ab\n'),
    (r'ab$', 'ab\n'),
    (r'ab$', 'ab\n\n'),
    (r'$', 'a\n'),
    (r'(?m)$', 'a\n\nb'),
    (r'(?m)\Z', 'a\nb\n'),
    (r'(?m)\A\w', 'a\nb'),
    (r'(?m)^\w', 'a\nb\rc\u2028d'),
    (r'(?m)\w$', 'a\nb\rc\u2028d'),
    (r'\Ab', 'a\nb', 'm'),
    (r'^b', 'a\nb', 'm'),
    (r'a.', 'a\na', 's'),
    (r'ab', 'AB', 'i'),

    # --- groups, names, references, comments
    (r'(?P<word>\w+) (?P=word)', 'hello hello world world x'),
    (r'(?P<a>x)(?P<b>y)?', 'xy x'),
    (r'(?P<名>\w)(?P=名)', 'aab'),
    (r'(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10', 'abcdefghijj'),
    (r'(a)\1', 'aa'),
    (r'(a)\10', 'aa0'),
    (r'(a)\2', 'a'),
    (r'\1(a)', 'a'),
    (r'(a\1)', 'a'),
    (r'(?P<x>a)(?P<x>b)', 'ab'),
    (r'(?P=x)', 'a'),
    (r'(?P<x>a)(?P=y)', 'a'),
    (r'(?P<1x>a)', 'a'),
    (r'(?P<>a)', 'a'),
    (r'(?P<x', 'a'),
    (r'(?P', 'a'),
    (r'(?Px)', 'a'),
    (r'(?<x>a)', 'a'),
    (r'a(?#comment)b', 'ab'),
    (r'a(?#comment)*', 'aa'),
    (r'a(?#unterminated', 'a'),
    (r'(?:a|b)+', 'abba'),
    (r'(a|b)c|d', 'acbcd'),
    (r'(a', 'a'),
    (r'a)', 'a'),
    (r'(?', 'a'),
    (r'(?q)', 'a'),
    (r'(?<q)', 'a'),
    (r'()', 'ab'),

    # --- escapes
    (r'\x41\101\0\u00e9\U0001F600\a\f\v\t', 'AA\x00é😀\x07\x0c\x0b\t'),
    (r'\-\/\'\"\ \#\:\@\,\%\=\!\<\>\~\&\`\;', '-/\'" #:@,%=!<>~&`;'),
    (r'[\-\/\'\"\ \#\:\@\,\%\=\!\<\>\~\&\`\;]+', '-/\'" #:@,%=!<>~&`;'),
    (r'\é\日', 'é日'),
    (r'[\é]', 'é'),
    (r'\07', '\x07'),
    (r'\0777', '\x3f7'),
    (r'\141\142', 'ab'),
    (r'[\141-\143]+', 'abcd'),
    (r'\400', 'x'),
    (r'[\400]', 'x'),
    (r'\x4', 'x'),
    (r'\x4g', 'x'),
    (r'\u12', 'x'),
    (r'\U00110000', 'x'),
    (r'\e', 'x'),
    (r'\q', 'x'),
    (r'\8', 'x'),
    (r'[\8]', 'x'),
    (r'\c', 'x'),
    (r'a\\', 'a\\'),
    ('a\\', 'a'),
    (r'[\b]', 'a\bb'),
    (r'[\B]', 'B'),
    (r'[\A]', 'A'),
    (r'[\Z]', 'Z'),
    (r'\$\^\.\*\+\?\(\)\[\]\{\}\|', '$^.*+?()[]{}|'),

    # --- character classes
    (r'[]a]+', 'a]]b'),
    (r'[^]a]+', 'a]]bc'),
    (r'[a-]+', 'a--b'),
    (r'[-a]+', 'a--b'),
    (r'[\]]', ']'),
    (r'[\\]', '\\'),
    (r'[a\-z]+', 'a-zb'),
    (r'[\w-a]', 'a'),
    (r'[a-\w]', 'a'),
    (r'[z-a]', 'a'),
    (r'[a', 'a'),
    (r'[a-', 'a'),
    (r'[^a]', 'a😀b'),
    (r'[^a]+', 'b😀c'),
    (r'[😀-😂]+', '😀😁😃😂'),
    (r'😀+', '😀😀a'),
    (r'[^😀]+', 'a😀b😁'),
    (r'[a-c😀]', 'x😀b'),
    (r'[[]', '['),
    (r'[a-a]', 'a'),

    # --- dot and astral characters
    (r'.', 'a😀b'),
    (r'a.b', 'a😀b'),
    (r'.{3}', 'a😀b😀'),
    (r'(.)(.)', '😀a'),
    (r'(.*)(.)', 'a😀'),
    (r'(.+?)(.)', '😀😁'),
    (r'x*', 'a😀b'),
    (r'(?<=😀)a', '😀a'),
    (r'(?<=.)a', '😀a'),
    (r'(?<=^.)a', '😀a'),
    (r'(?<=\w)😀', 'x😀'),
    (r'\B', '😀a😀'),
    (r'(?!a)', 'a😀'),
    (r'', '😀'),
    (r'\W+', '😀!é'),
    (r'\S+', '😀 😀'),
    (r'[\ud83d]', '😀'),
    (r'[^\ud83d]', '😀'),
    (r'\ude00', '😀'),
    (r'.', 'a\ud83db\ude00'),
    (r'[^a]', '\ude00\ud83d'),
    (r'\ud83d', 'a\ud83d'),

    # --- case-insensitivity (Python's lowercase mapping and extra cases)
    (r'(?i)s', 'sSſ'),
    (r'(?i)ſ', 'sSſ'),
    (r'(?i)k', 'kK\u212a'),
    (r'(?i)\u212a', 'kK\u212a'),
    (r'(?i)i', 'iIİı'),
    (r'(?i)ı', 'iIİı'),
    (r'(?i)İ', 'iIİı'),
    (r'(?i)[a-z]+', 'ſK\u212aİ'),
    (r'(?i)σ', 'ΣσςS'),
    (r'(?i)ß', 'ßẞss'),
    (r'(?i)µ', 'µμΜ'),
    (r'(?i)é', 'éÉe'),
    (r'(?i)[^a]', 'aAb'),
    (r'(?i)[^a-z]+', 'ABC123ſ'),
    (r'(?i)𐐀', '𐐀𐐨'),
    (r'(?i)[𐐀-𐐂]+', '𐐨𐐩𐐀x'),
    (r'(?i)\w+', 'ſK\u212a'),
    (r'(?i)ǅ', 'ǄǅǆDž'),
    (r'(?i)θ', 'θΘϑϴ'),
    (r'(?i)(a)\1', 'aA Aa ab'),
    (r'(?i)(?P<x>é)(?P=x)', 'éÉ'),
    (r'(?i)(a)(?-i:\1)', 'aA'),
    (r'(?i:[a-c]+)', 'ABC'),
    (r'(?i)\d', '1'),

    # --- lookarounds
    (r'(?<=ab)c', 'abc xc'),
    (r'(?<!a)b', 'ab cb'),
    (r'(?<=a|b)c', 'ac bc cc'),
    (r'(?<=a|bc)d', 'ad'),
    (r'(?<=a*)b', 'ab'),
    (r'(?<=(a))b', 'ab'),
    (r'(?<=(a)\1)b', 'aab'),
    (r'(a)(?<=\1)b', 'ab'),
    (r'(?=(\w+))\w', 'ab'),
    (r'\w+(?=,)', 'ab,cd'),
    (r'\w+(?!,)', 'ab,cd'),
    (r'(?<=a)*b', 'ab'),

    # --- errors over several lines
    ('(?x)\n  a)', 'a'),
    ('a\n[b', 'a'),
]


def utf16(s, i):
    return len(s[:i].encode('utf-16-le', 'surrogatepass')) // 2


def answer(case):
    pattern, subject = case[0], case[1]
    letters = case[2] if len(case) > 2 else ''
    flags = 0
    for c in letters:
        flags |= {'i': re.I, 'm': re.M, 's': re.S}[c]
    out = {'p': pattern, 's': subject}
    if letters:
        out['f'] = letters
    try:
        regex = re.compile(pattern, flags)
    except (re.error, OverflowError, ValueError) as e:
        out['error'] = str(e)
        return out
    matches = []
    for m in regex.finditer(subject):
        row = [utf16(subject, m.start()), utf16(subject, m.end())]
        for g in range(1, regex.groups + 1):
            a, b = m.span(g)
            row += [-1, -1] if a < 0 else [utf16(subject, a), utf16(subject, b)]
        matches.append(row)
    out['m'] = matches
    return out


def main():
    answers = [answer(c) for c in CASES]
    w = sys.stdout.write
    w('// Generated by test/unit/tokens/pyregex-oracle.py with Python %s; do not edit by hand.\n' % sys.version.split()[0])
    w('// For each Python pattern and subject: re.finditer spans [start, end, g1start, g1end, ...] in\n')
    w('// UTF-16 offsets (-1: group did not participate), or the re.error message.\n')
    w('export interface OracleCase {\n  p: string;\n  s: string;\n  f?: string;\n  m?: number[][];\n  error?: string;\n}\n\n')
    w('export const PYTHON_ORACLE: OracleCase[] = [\n')
    for a in answers:
        w('  ' + json.dumps(a, ensure_ascii=True) + ',\n')
    w('];\n')


main()
