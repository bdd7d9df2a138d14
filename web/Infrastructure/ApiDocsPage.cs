using System.Globalization;
using System.Net;
using Scalar.AspNetCore;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The API reference at <c>/api/docs</c>: Scalar's viewer served from the package (its script is embedded; no fonts,
/// telemetry, AI agent, MCP or .NET promotion from another site), under the site's own header and a section on how to
/// authenticate, in the reader's language.
/// </summary>
public static class ApiDocsPage
{
    public static ScalarOptions Configure(ScalarOptions o, HttpContext http)
    {
        var en = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        // Set, not added: the options object outlives the request, and Add… would pile one header on another.
        o.HeadContent = """<link rel="stylesheet" href="/css/site.css">""";
        o.HeaderContent = Header(en);
        return o.WithTitle(en ? "Scenario Marketplace API" : "应用场景供需对接平台 API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .WithNonce(http.GetNonce())
            .DisableDefaultFonts()
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .HideDeveloperTools()
            .WithDotNetFlag(false)
            .HideClientButton()
            .HideDarkModeToggle()
            .ForceLightMode()
            .WithFavicon("/favicon.svg");
    }

    private static string Header(bool en)
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        var brand = en ? "Scenario Marketplace" : "应用场景供需对接平台";
        var switchTo = en ? ("zh-CN", "中文") : ("en", "English");
        return $"""
            <header class="top"><div class="wrap bar">
              <a class="brand" href="/">{E(brand)}</a>
              <nav aria-label="{E(en ? "Main navigation" : "主导航")}">
                <a href="/scenarios">{E(en ? "Scenarios" : "场景大厅")}</a>
                <a href="/capabilities">{E(en ? "Capabilities" : "能力清单")}</a>
                <a href="/open-data">{E(en ? "Open data" : "开放数据")}</a>
                <a href="/api/docs" aria-current="page">API</a>
              </nav>
              <div class="account"><a href="/api/docs/?culture={switchTo.Item1}" lang="{switchTo.Item1}">{switchTo.Item2}</a></div>
            </div></header>
            <section class="wrap api-auth" aria-labelledby="api-auth-title">
              <h2 id="api-auth-title">{E(en ? "Authentication" : "身份验证")}</h2>
              <p>{E(en
                ? "Public reads (published scenarios, capability cards, open data) need no credentials. Everything else acts as a signed-in account:"
                : "公开数据（已发布场景、能力卡片、开放数据）无需凭据即可读取；其余接口以一个账号的身份调用：")}</p>
              <ol>
                <li>{E(en
                  ? "Create a personal API token on your account page (/account, “API tokens”). It is shown once; copy it then."
                  : "在账号页（/account，“API 令牌”）创建个人 API 令牌。令牌只显示一次，请立即复制保存。")}</li>
                <li>{E(en ? "Send it on every request:" : "每个请求都在请求头中带上它：")} <code>Authorization: Bearer &lt;token&gt;</code>
                  {E(en
                    ? "A token has the account's own rights, no more; it stops working when revoked, when it expires, after a password change or “sign out everywhere”. Requests with a token need no antiforgery header."
                    : "令牌拥有与账号相同的权限（不会更多）；撤销、到期、修改密码或“退出所有设备”后立即失效。使用令牌的请求无需防伪请求头。")}</li>
                <li>{E(en ? "Make POSTs safe to retry with" : "POST 请求可带上")} <code>Idempotency-Key: &lt;unique value&gt;</code>{E(en
                  ? ": a retry with the same key and body gets the first answer again instead of acting twice; the same key with another body is refused (422)."
                  : "：以相同的键和请求体重试时返回第一次的结果，不会重复执行；相同的键配不同的请求体会被拒绝（422）。")}</li>
              </ol>
              <pre><code>curl -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: $(uuidgen)" \
              -H "Content-Type: application/json" -d @application.json \
              https://…/api/v1/scenarios/{"{id}"}/applications</code></pre>
              <p><a href="/openapi/v1.json">{E(en ? "OpenAPI description (JSON)" : "OpenAPI 描述文件（JSON）")}</a></p>
            </section>
            """;
    }
}
