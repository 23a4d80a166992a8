using System;
using System.Net;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Where and how to reach the service: its address, the bearer token, and what to trust for
    /// TLS. Engine-free so that its checks are unit-tested: they are what keeps a token off the
    /// network in clear text. <see cref="TalkingTogetherClient"/> turns it into a
    /// YetAnotherHttpHandler and the <c>authorization</c> metadata of every call (docs/security.md).
    /// </summary>
    public sealed class ServerConnection
    {
        /// <summary>The call metadata key that carries the token.</summary>
        public const string AuthorizationKey = "authorization";

        /// <summary>Throws <see cref="ArgumentException"/>, with the fix in its message, for an
        /// unusable combination. Empty strings mean "not set".</summary>
        /// <param name="address">http://host:port (cleartext HTTP/2) or https://host:port (TLS).</param>
        /// <param name="token">A secret from <c>talking-together token new</c>, or empty.</param>
        /// <param name="rootCertificatesPem">The CA that signed the server (ca.pem from
        /// <c>talking-together certs</c>), or empty for the built-in public roots.</param>
        /// <param name="clientCertificatePem">Mutual TLS: this client's certificate chain.</param>
        /// <param name="clientKeyPem">Mutual TLS: its private key.</param>
        public ServerConnection(string address, string token = null, string rootCertificatesPem = null,
                                string clientCertificatePem = null, string clientKeyPem = null)
        {
            Uri uri;
            address = Trimmed(address) ?? "";
            if (!Uri.TryCreate(address, UriKind.Absolute, out uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.Host.Length == 0)
                throw new ArgumentException("address '" + address + "' is not http://HOST:PORT or https://HOST:PORT, e.g. https://192.168.1.20:50051");
            Address = uri;
            Token = Trimmed(token);
            RootCertificatesPem = Trimmed(rootCertificatesPem);
            ClientCertificatePem = Trimmed(clientCertificatePem);
            ClientKeyPem = Trimmed(clientKeyPem);

            if (Token != null)
            {
                foreach (var c in Token)
                    if (c <= ' ' || c > '~')
                        throw new ArgumentException("the token holds a space, a line break or a non-ASCII character: paste exactly the secret `talking-together token new` printed");
                if (!UsesTls && !IsLoopback(uri.Host))
                    throw new ArgumentException("a token sent over http:// to " + uri.Host + " would cross the network readable by anyone on it: " +
                                                "serve TLS (`talking-together certs`) and use https:// with its ca.pem (docs/security.md)");
            }
            if (!UsesTls && (RootCertificatesPem != null || ClientCertificatePem != null || ClientKeyPem != null))
                throw new ArgumentException("a root or client certificate is set but the address is http://: use https:// for TLS");
            if (RootCertificatesPem != null && !RootCertificatesPem.Contains("-----BEGIN CERTIFICATE-----"))
                throw new ArgumentException("the root certificate is not PEM: paste the whole ca.pem, BEGIN and END lines included");
            if ((ClientCertificatePem == null) != (ClientKeyPem == null))
                throw new ArgumentException("mutual TLS needs both the client certificate and its key");
            if (ClientCertificatePem != null && !ClientCertificatePem.Contains("-----BEGIN CERTIFICATE-----"))
                throw new ArgumentException("the client certificate is not PEM: paste the whole certificate file");
            if (ClientKeyPem != null && !(ClientKeyPem.Contains("-----BEGIN ") && ClientKeyPem.Contains("PRIVATE KEY-----")))
                throw new ArgumentException("the client key is not a PEM private key: paste the whole key file");
        }

        public Uri Address { get; private set; }

        /// <summary>The bearer secret, or null when none is sent.</summary>
        public string Token { get; private set; }

        /// <summary>PEM of the CA to trust instead of the public roots, or null.</summary>
        public string RootCertificatesPem { get; private set; }

        public string ClientCertificatePem { get; private set; }
        public string ClientKeyPem { get; private set; }

        /// <summary>True for https:// addresses.</summary>
        public bool UsesTls { get { return Address.Scheme == "https"; } }

        /// <summary>The value of the <see cref="AuthorizationKey"/> metadata, or null without a token.</summary>
        public string AuthorizationValue { get { return Token == null ? null : "Bearer " + Token; } }

        /// <summary>localhost or a loopback IP: the one place a token may travel without TLS.</summary>
        public static bool IsLoopback(string host)
        {
            host = (host ?? "").Trim('[', ']');
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                return true;
            IPAddress ip;
            return IPAddress.TryParse(host, out ip) && IPAddress.IsLoopback(ip);
        }

        static string Trimmed(string value)
        {
            if (value == null)
                return null;
            value = value.Trim();
            return value.Length == 0 ? null : value;
        }
    }
}
