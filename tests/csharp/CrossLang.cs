// Cross-language check of the Unity conversion: reads rows that Python wrote from real service
// frames (room-frame values, then Python's own Unity conversion of them), converts the room
// values with the package's Core, and compares. Built with mcs against Core by
// tests/test_unity_crosslang.py; plain text in, so it needs no JSON or protobuf library.
//
// Row: kind,label,<room values>,<python unity values>
//   kind "p": a position, 3 + 3 values; kind "q": a quaternion (x, y, z, w), 4 + 4 values;
//   kind "y": a seat's yaw in radians, 1 value, then its rotation in Unity space, 4 values.
// Prints "checked N values, max error E" and exits 1 when any value differs by more than the tolerance.
using System;
using System.Globalization;
using System.IO;
using TalkingTogether.Bridge;

static class CrossLang
{
    static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: CrossLang.exe FIXTURE.csv TOLERANCE");
            return 2;
        }
        var tolerance = double.Parse(args[1], CultureInfo.InvariantCulture);
        var checkedValues = 0;
        var maxError = 0.0;
        var failures = 0;
        foreach (var line in File.ReadLines(args[0]))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var cells = line.Split(',');
            var values = new double[cells.Length - 2];
            for (var i = 0; i < values.Length; i++)
                values[i] = double.Parse(cells[i + 2], CultureInfo.InvariantCulture);
            var ours = Convert(cells[0], values);
            var theirs = new double[ours.Length];
            Array.Copy(values, values.Length - ours.Length, theirs, 0, ours.Length);
            for (var i = 0; i < ours.Length; i++)
            {
                var error = Math.Abs(ours[i] - theirs[i]);
                maxError = Math.Max(maxError, error);
                checkedValues++;
                if (error > tolerance && failures++ < 20)
                    Console.WriteLine("mismatch {0}[{1}]: C# {2:R} vs Python {3:R}", cells[1], i, ours[i], theirs[i]);
            }
        }
        Console.WriteLine("checked {0} values, max error {1:E3}", checkedValues, maxError);
        return failures == 0 && checkedValues > 0 ? 0 : 1;
    }

    static double[] Convert(string kind, double[] v)
    {
        if (kind == "p" && v.Length == 6)
        {
            var p = UnitySpace.ToUnity(new Vec3f((float)v[0], (float)v[1], (float)v[2]));
            return new double[] { p.x, p.y, p.z };
        }
        if (kind == "q" && v.Length == 8)
        {
            var q = UnitySpace.ToUnity(new Quatf((float)v[0], (float)v[1], (float)v[2], (float)v[3]));
            return new double[] { q.x, q.y, q.z, q.w };
        }
        if (kind == "y" && v.Length == 5)
        {
            var q = UnitySpace.ToUnity(new Anchor(Vec3f.Zero, (float)v[0])).Rotation;
            return new double[] { q.x, q.y, q.z, q.w };
        }
        throw new FormatException("bad row kind or width: " + kind + " with " + v.Length + " values");
    }
}
