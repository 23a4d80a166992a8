using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    [TestFixture]
    public class ReconnectBackoffTests
    {
        [Test]
        public void DoublesUpToTheCapAndResets()
        {
            var backoff = new ReconnectBackoff(0.5, 3.0);
            CollectionAssert.AreEqual(new[] { 0.5, 1.0, 2.0, 3.0, 3.0 },
                new[] { backoff.NextDelay(), backoff.NextDelay(), backoff.NextDelay(), backoff.NextDelay(), backoff.NextDelay() });
            Assert.AreEqual(5, backoff.Attempts);
            backoff.Reset();
            Assert.AreEqual(0.5, backoff.NextDelay());
            Assert.AreEqual(1, backoff.Attempts);
        }

        [Test]
        public void RejectsNonsense()
        {
            Assert.Throws<System.ArgumentException>(() => new ReconnectBackoff(0.0, 1.0));
            Assert.Throws<System.ArgumentException>(() => new ReconnectBackoff(2.0, 1.0));
        }
    }
}
