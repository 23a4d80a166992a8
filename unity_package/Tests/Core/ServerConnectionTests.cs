using System;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    [TestFixture]
    public class ServerConnectionTests
    {
        const string Ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        const string Key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";

        [Test]
        public void TokenAndTlsForAHeadsetOnTheLan()
        {
            var c = new ServerConnection(" https://192.168.1.20:50051 ", " tt_secret ", Ca);
            Assert.IsTrue(c.UsesTls);
            Assert.AreEqual("192.168.1.20", c.Address.Host);
            Assert.AreEqual(50051, c.Address.Port);
            Assert.AreEqual("authorization", ServerConnection.AuthorizationKey);
            Assert.AreEqual("Bearer tt_secret", c.AuthorizationValue);
            Assert.AreEqual(Ca.Trim(), c.RootCertificatesPem);
            Assert.IsNull(c.ClientCertificatePem);
        }

        [Test]
        public void NothingSetMeansNoTokenAndPublicRoots()
        {
            var c = new ServerConnection("http://127.0.0.1:50051", "", "");
            Assert.IsFalse(c.UsesTls);
            Assert.IsNull(c.AuthorizationValue);
            Assert.IsNull(c.RootCertificatesPem);
        }

        [Test]
        public void ATokenMayUsePlaintextOnlyOnLoopback()
        {
            Assert.AreEqual("Bearer t", new ServerConnection("http://localhost:50051", "t").AuthorizationValue);
            Assert.AreEqual("Bearer t", new ServerConnection("http://[::1]:50051", "t").AuthorizationValue);
            var e = Assert.Throws<ArgumentException>(() => new ServerConnection("http://192.168.1.20:50051", "tt_secret"));
            StringAssert.Contains("https://", e.Message);
            StringAssert.DoesNotContain("tt_secret", e.Message);
        }

        [Test]
        public void RefusesWhatCannotWork()
        {
            Assert.Throws<ArgumentException>(() => new ServerConnection("192.168.1.20:50051"));
            Assert.Throws<ArgumentException>(() => new ServerConnection("ftp://host:1"));
            Assert.Throws<ArgumentException>(() => new ServerConnection("https://host:1", "two words"));
            Assert.Throws<ArgumentException>(() => new ServerConnection("https://host:1", "line\nbreak"));
            Assert.Throws<ArgumentException>(() => new ServerConnection("http://127.0.0.1:1", null, Ca));
            Assert.Throws<ArgumentException>(() => new ServerConnection("https://host:1", null, "not a certificate"));
            Assert.Throws<ArgumentException>(() => new ServerConnection("https://host:1", null, Ca, Ca));
            Assert.Throws<ArgumentException>(() => new ServerConnection("https://host:1", null, Ca, Ca, "not a key"));
        }

        [Test]
        public void MutualTlsNeedsCertificateAndKey()
        {
            var c = new ServerConnection("https://host:1", null, Ca, Ca, Key);
            Assert.AreEqual(Ca.Trim(), c.ClientCertificatePem);
            Assert.AreEqual(Key.Trim(), c.ClientKeyPem);
        }
    }
}
