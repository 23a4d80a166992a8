using UnityEditor;
using UnityEditor.SceneManagement;
using UnityEngine;

namespace TalkingTogether.Bridge.Samples.Editor
{
    /// <summary>
    /// <i>Tools → Talking Together → New Two Placeholder Heads Scene</i>: a new scene (camera and
    /// light) with one GameObject holding the client, the room anchor and the
    /// <see cref="SampleBootstrap"/>, saved where you choose. The rest of the scene is built by
    /// the bootstrap when it plays, so there is no scene or prefab file to go stale.
    /// </summary>
    static class NewSampleScene
    {
        [MenuItem("Tools/Talking Together/New Two Placeholder Heads Scene")]
        static void Create()
        {
            if (EditorApplication.isPlayingOrWillChangePlaymode)
            {
                EditorUtility.DisplayDialog("Talking Together", "Leave Play mode first.", "OK");
                return;
            }
            if (!EditorSceneManager.SaveCurrentModifiedScenesIfUserWantsTo())
                return;
            var path = EditorUtility.SaveFilePanelInProject(
                "Save the sample scene", "Two Placeholder Heads", "unity", "Where to save the new scene");
            if (string.IsNullOrEmpty(path))
                return;

            var scene = EditorSceneManager.NewScene(NewSceneSetup.DefaultGameObjects, NewSceneMode.Single);
            var root = new GameObject("Talking Together",
                typeof(TalkingTogetherClient), typeof(RoomAnchor), typeof(SampleBootstrap));
            var camera = Camera.main;
            if (camera != null)
                camera.transform.SetPositionAndRotation(new Vector3(0f, 1.3f, -1.6f), Quaternion.Euler(10f, 0f, 0f));
            Selection.activeGameObject = root;
            EditorSceneManager.SaveScene(scene, path);
            Debug.Log("Talking Together: saved " + path + ". Set the client's Address (http://127.0.0.1:50051 " +
                      "for a server on this machine), start `talking-together replay` with the sample's recording, and press Play.", root);
        }
    }
}
