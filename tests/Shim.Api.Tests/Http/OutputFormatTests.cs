using Shim.Api.Http;
using Xunit;

namespace Shim.Api.Tests.Http;

public sealed class OutputFormatTests
{
    [Fact]
    public void KubectlGetAsksForATable()
    {
        var format = OutputFormat.Negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        Assert.Equal(new OutputFormat(OutputKind.Table, "v1"), format);
    }

    [Fact]
    public void PartialObjectMetadataAndPlainJson()
    {
        Assert.Equal(OutputKind.PartialObjectMetadata, OutputFormat.Negotiate("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")!.Kind);
        Assert.Equal(OutputFormat.Json, OutputFormat.Negotiate("application/vnd.kubernetes.protobuf,application/json"));
        Assert.Equal(OutputFormat.Json, OutputFormat.Negotiate(null));
    }

    [Fact]
    public void ProtobufOnlyIsNotAcceptable() => Assert.Null(OutputFormat.Negotiate("application/vnd.kubernetes.protobuf"));
}
