using Microsoft.Net.Http.Headers;

namespace Marketplace.Web.Infrastructure;

/// <summary>Headers of a download written straight into the response (streamed exports), as <c>File(...)</c> would set them.</summary>
public static class Downloads
{
    public static void StartDownload(this HttpResponse response, string contentType, string fileName)
    {
        response.ContentType = contentType;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
    }
}
