using System.Net;
using Shim.Agent.Dns;

namespace Shim.Agent.Tests.Dns;

/// <summary>The wire format: what is written reads back the same, names are compressed and pointers followed.</summary>
public sealed class DnsCodecTests
{
    [Fact]
    public void Every_record_type_round_trips()
    {
        var message = new DnsMessage
        {
            Id = 0xBEEF,
            IsResponse = true,
            Authoritative = true,
            RecursionDesired = true,
            RecursionAvailable = true,
            ResponseCode = DnsResponseCode.NameError,
            Questions = [new DnsQuestion("Web.default.svc.cluster.local", DnsType.ANY)],
            Answers =
            [
                Record("Web.default.svc.cluster.local", DnsType.A, new DnsAddressData(IPAddress.Parse("10.96.0.20"))),
                Record("Web.default.svc.cluster.local", DnsType.AAAA, new DnsAddressData(IPAddress.Parse("fd00::20"))),
                Record("alias.default.svc.cluster.local", DnsType.CNAME, new DnsNameData("Web.default.svc.cluster.local")),
                Record("20.0.96.10.in-addr.arpa", DnsType.PTR, new DnsNameData("web.default.svc.cluster.local")),
                Record("_http._tcp.web.default.svc.cluster.local", DnsType.SRV, new DnsSrvData(0, 100, 80, "web.default.svc.cluster.local")),
                Record("dns-version.cluster.local", DnsType.TXT, new DnsTextData(["1.1.0", ""])),
                Record("cluster.local", DnsType.MX, new DnsRawData([0, 10, 0])),
            ],
            Authorities = [Record("cluster.local", DnsType.SOA, new DnsSoaData("ns.dns.cluster.local", "hostmaster.cluster.local", 42, 7200, 1800, 86400, 5))],
            Additionals = [Record("cluster.local", DnsType.NS, new DnsNameData("ns.dns.cluster.local")), DnsEdns.Record(1232, dnssecOk: true)],
        };

        var read = DnsMessageReader.Read(DnsMessageWriter.Write(message));

        Assert.Equal(message with { Questions = read.Questions, Answers = read.Answers, Authorities = read.Authorities, Additionals = read.Additionals }, read);
        Assert.Equal(message.Questions, read.Questions);
        Assert.Equal(message.Answers, read.Answers);
        Assert.Equal(message.Authorities, read.Authorities);
        Assert.Equal(message.Additionals, read.Additionals);
        Assert.Equal(new DnsEdns(1232, 0, true, 0), read.Edns);
    }

    [Fact]
    public void Names_are_compressed_case_sensitively_but_not_in_srv_targets()
    {
        var question = "web.default.svc.cluster.local";
        var message = new DnsMessage
        {
            Questions = [new DnsQuestion(question, DnsType.A)],
            Answers =
            [
                Record(question, DnsType.A, new DnsAddressData(IPAddress.Parse("10.96.0.20"))),
                Record("WEB.default.svc.cluster.local", DnsType.A, new DnsAddressData(IPAddress.Parse("10.96.0.21"))),
                Record(question, DnsType.SRV, new DnsSrvData(0, 100, 80, question)),
            ],
        };

        var bytes = DnsMessageWriter.Write(message);

        // The first answer's owner is a bare pointer to the question's name at offset 12.
        var questionEnd = 12 + question.Length + 2 + 4;
        Assert.Equal([0xC0, 12], bytes[questionEnd..(questionEnd + 2)]);
        // "WEB" is written out, then points at "default.svc.cluster.local" inside the question.
        var secondOwner = questionEnd + 2 + 10 + 4;
        Assert.Equal([3, (byte)'W', (byte)'E', (byte)'B', 0xC0, 12 + 4], bytes[secondOwner..(secondOwner + 6)]);
        // The SRV target (RFC 2782) is written in full even though the same name is already there.
        Assert.EndsWith("\u0003web\u0007default\u0003svc\u0007cluster\u0005local\0", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        var read = DnsMessageReader.Read(bytes);
        Assert.Equal(["web.default.svc.cluster.local", "WEB.default.svc.cluster.local", "web.default.svc.cluster.local"], read.Answers.Select(a => a.Name));
    }

    [Fact]
    public void Pointers_are_followed_on_input()
    {
        byte[] packet =
        [
            0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
            3, (byte)'f', (byte)'o', (byte)'o', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0, 0, 5, 0, 1,
            // answer: "www" + pointer to "example" (offset 16), CNAME to a pointer to the question name (offset 12)
            3, (byte)'w', (byte)'w', (byte)'w', 0xC0, 16, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 12,
        ];

        var message = DnsMessageReader.Read(packet);

        Assert.Equal(0x1234, message.Id);
        Assert.True(message.IsResponse);
        Assert.True(message.RecursionDesired);
        Assert.True(message.RecursionAvailable);
        Assert.Equal(new DnsQuestion("foo.example", DnsType.CNAME), message.Questions[0]);
        Assert.Equal(Record("www.example", DnsType.CNAME, new DnsNameData("foo.example"), 60), message.Answers[0]);
    }

    [Theory]
    [InlineData("pointer to itself", new byte[] { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1 })]
    [InlineData("forward pointer", new byte[] { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 20, 0, 1, 0, 1, 0, 0, 0 })]
    [InlineData("label past the end", new byte[] { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, (byte)'a' })]
    [InlineData("missing question", new byte[] { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 })]
    [InlineData("record data past the end", new byte[] { 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 0 })]
    [InlineData("A record of 3 bytes", new byte[] { 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 3, 10, 0, 0 })]
    [InlineData("short header", new byte[] { 0, 1, 0 })]
    public void Malformed_packets_throw_format_errors(string why, byte[] packet)
    {
        Assert.False(string.IsNullOrEmpty(why));
        Assert.Throws<DnsFormatException>(() => DnsMessageReader.Read(packet));
    }

    [Fact]
    public void Odd_label_bytes_survive_as_escapes()
    {
        var name = "a\\.b\\\\c\\000.example";
        var bytes = DnsMessageWriter.Write(new DnsMessage { Questions = [new DnsQuestion(name, DnsType.A)] });

        Assert.Equal([6, (byte)'a', (byte)'.', (byte)'b', (byte)'\\', (byte)'c', 0, 7], bytes[12..20]);
        Assert.Equal(name, DnsMessageReader.Read(bytes).Questions[0].Name);
        Assert.Equal(["a\\.b\\\\c\\000", "example"], DnsName.Labels(name));
    }

    [Fact]
    public void Names_the_wire_cannot_carry_are_refused()
    {
        Assert.Throws<DnsFormatException>(() => DnsMessageWriter.Write(new DnsMessage { Questions = [new DnsQuestion(new string('a', 64) + ".example", DnsType.A)] }));
        Assert.Throws<DnsFormatException>(() => DnsMessageWriter.Write(new DnsMessage { Questions = [new DnsQuestion(string.Join('.', Enumerable.Repeat("abcdefghi", 26)), DnsType.A)] }));
        Assert.Throws<DnsFormatException>(() => DnsMessageWriter.Write(new DnsMessage { Questions = [new DnsQuestion("a..b", DnsType.A)] }));
    }

    [Fact]
    public void Oversized_answers_lose_additionals_first_then_answers_with_the_tc_bit()
    {
        var name = "db.data.svc.cluster.local";
        var answers = Enumerable.Range(1, 40).Select(i => Record(name, DnsType.A, new DnsAddressData(IPAddress.Parse($"10.244.0.{i}")))).ToList();
        var message = new DnsMessage
        {
            IsResponse = true,
            Questions = [new DnsQuestion(name, DnsType.A)],
            Answers = answers[..20],
            Additionals = [.. answers[20..].Select(a => a with { Name = "other." + name }), DnsEdns.Record(1232, false)],
        };

        // 20 answers fit in 512 bytes, the additionals do not: they go, without TC (RFC 2181 9).
        var fitted = DnsMessageReader.Read(DnsMessageWriter.Write(message, 512));
        Assert.False(fitted.Truncated);
        Assert.Equal(20, fitted.Answers.Count);
        Assert.Equal([DnsType.OPT], fitted.Additionals.Select(a => a.Type));

        // 40 answers do not fit: as many as fit stay, TC is set, the OPT record stays.
        var truncatedBytes = DnsMessageWriter.Write(message with { Answers = answers }, 512);
        var truncated = DnsMessageReader.Read(truncatedBytes);
        Assert.True(truncatedBytes.Length <= 512);
        Assert.True(truncated.Truncated);
        Assert.InRange(truncated.Answers.Count, 25, 39);
        Assert.Equal(answers[..truncated.Answers.Count], truncated.Answers);
        Assert.Equal([DnsType.OPT], truncated.Additionals.Select(a => a.Type));

        // Without a limit everything is there.
        Assert.Equal(40, DnsMessageReader.Read(DnsMessageWriter.Write(message with { Answers = answers })).Answers.Count);
    }

    [Fact]
    public void Extended_response_codes_travel_in_the_opt_record()
    {
        var bytes = DnsMessageWriter.Write(new DnsMessage { IsResponse = true, ResponseCode = DnsResponseCode.BadVersion, Additionals = [DnsEdns.Record(1232, false)] });

        Assert.Equal(0, bytes[3] & 0xF);
        var read = DnsMessageReader.Read(bytes);
        Assert.Equal(DnsResponseCode.BadVersion, read.ResponseCode);
        Assert.Equal((byte)1, read.Edns!.Value.ExtendedResponseCode);
    }

    [Fact]
    public void Names_compare_without_case_and_zones_by_whole_labels()
    {
        Assert.True(DnsName.IsInZone("Web.Default.SVC.Cluster.Local.", "cluster.local"));
        Assert.True(DnsName.IsInZone("cluster.local", "cluster.local"));
        Assert.False(DnsName.IsInZone("mycluster.local", "cluster.local"));
        Assert.False(DnsName.IsInZone("x\\.cluster.local", "cluster.local"));
        Assert.True(DnsName.AreEqual("A.example.", "a.EXAMPLE"));
    }

    private static DnsResourceRecord Record(string name, DnsType type, DnsRecordData data, uint ttl = 5) => new(name, type, DnsClass.Internet, ttl, data);
}
