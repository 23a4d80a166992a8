using System.IO;
using System.Text;
using UnityEditor.Build;
using UnityEditor.Build.Reporting;
using UnityEditor.UnityLinker;

namespace TalkingTogether.Bridge.Editor
{
    /// <summary>
    /// Keeps IL2CPP's managed code stripping (Quest and Android builds) from removing what only
    /// reflection reaches: Google.Protobuf builds message descriptors by reflection and
    /// Grpc.Net.Client creates its handlers the same way, so a stripped build would otherwise fail at
    /// the first call (a MissingMethodException, or a NullReferenceException inside a descriptor).
    /// The Unity linker reads link.xml files from Assets/ (and embedded packages) only, not from a
    /// package installed into the Package Manager's cache, so this processor hands it one at every
    /// build instead; nothing needs copying into the project. Assemblies a project lacks (say, no
    /// YetAnotherHttpHandler) are skipped through <c>ignoreIfMissing</c>.
    /// </summary>
    public sealed class TalkingTogetherLinkXml : IUnityLinkerProcessor
    {
        /// <summary>The assemblies preserved whole.</summary>
        public static readonly string[] PreservedAssemblies =
        {
            "TalkingTogether.Bridge.Generated",
            "Google.Protobuf",
            "Grpc.Core.Api",
            "Grpc.Net.Client",
            "Grpc.Net.Common",
            "Cysharp.Net.Http.YetAnotherHttpHandler",
            "System.IO.Pipelines",
            "System.Runtime.CompilerServices.Unsafe",
        };

        public int callbackOrder { get { return 0; } }

        public string GenerateAdditionalLinkXmlFile(BuildReport report, UnityLinkerBuildPipelineData data)
        {
            // Library/ belongs to the project, survives editor restarts and is never committed.
            var path = Path.GetFullPath(Path.Combine("Library", "TalkingTogether.Bridge", "link.xml"));
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            File.WriteAllText(path, LinkXml());
            return path;
        }

#if !UNITY_2022_1_OR_NEWER
        // Unity 2021 and older declare these on IUnityLinkerProcessor too (the 2022.1+ Scripting
        // Reference lists GenerateAdditionalLinkXmlFile only); nothing to do before or after.
        public void OnBeforeRun(BuildReport report, UnityLinkerBuildPipelineData data) { }
        public void OnAfterRun(BuildReport report, UnityLinkerBuildPipelineData data) { }
#endif

        /// <summary>The link.xml this processor writes.</summary>
        public static string LinkXml()
        {
            var xml = new StringBuilder();
            xml.Append("<!-- Written by TalkingTogether.Bridge.Editor.TalkingTogetherLinkXml at build time. -->\n");
            xml.Append("<linker>\n");
            foreach (var assembly in PreservedAssemblies)
                xml.Append("  <assembly fullname=\"").Append(assembly).Append("\" preserve=\"all\" ignoreIfMissing=\"1\" />\n");
            xml.Append("</linker>\n");
            return xml.ToString();
        }
    }
}
