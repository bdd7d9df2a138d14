using Marketplace.BuildingBlocks.Caching;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Web.Infrastructure;

/// <summary>Downloads: headers of one written straight into the response (streamed exports), and kept files served from memory.</summary>
public static class Downloads
{
    public static void StartDownload(this HttpResponse response, string contentType, string fileName)
    {
        response.ContentType = contentType;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
    }

    /// <summary>
    /// A kept file as the answer: its gzip copy (Content-Encoding: gzip) to a client that accepts gzip, its plain bytes to
    /// one that does not, each with its own entity tag, so a client that already holds the same content gets 304.
    /// </summary>
    public static IActionResult Kept(this ControllerBase controller, KeptFile file, string contentType, string? fileName = null)
    {
        var gzip = AcceptsGzip(controller.Request);
        controller.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (gzip) controller.Response.Headers.ContentEncoding = "gzip";
        var tag = new EntityTagHeaderValue($"\"{file.Tag}{(gzip ? "-gzip" : "")}\"");
        return controller.File(gzip ? file.Gzip : file.Bytes, contentType, fileName, lastModified: null, entityTag: tag);
    }

    /// <summary>Whether Accept-Encoding admits gzip (named or through *, with a quality above zero).</summary>
    private static bool AcceptsGzip(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        double? gzip = null, any = null;
        foreach (var coding in accepted)
        {
            var quality = coding.Quality ?? 1;
            if (coding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase)) gzip = quality;
            else if (coding.Value.Equals("*", StringComparison.Ordinal)) any = quality;
        }
        return (gzip ?? any ?? 0) > 0;
    }
}
