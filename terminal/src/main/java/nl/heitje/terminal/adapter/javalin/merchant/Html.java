// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

/**
 * HTML text built on the server. Payer addresses, till references and decline reasons reach these pages from outside,
 * so every value goes through {@link #text} before it is written, in element text and attribute values alike.
 */
final class Html {
    private Html() {
    }

    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String plain = value.toString();
        StringBuilder escaped = new StringBuilder(plain.length() + 16);
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** A whole page: the navigation when someone is logged in (with the log-out form and its CSRF token). */
    static String page(String title, String csrfToken, String body) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(text(title)).append(" · Heitje terminal</title>")
                .append("<link rel=\"stylesheet\" href=\"/merchant/style.css\"></head><body>");
        if (csrfToken != null) {
            html.append("<header><nav><a href=\"/merchant/sales\">Sales</a>")
                    .append("<a href=\"/merchant/settlements\">Settlements</a>")
                    .append("<a href=\"/merchant/payout\">Payout</a>")
                    .append("<a href=\"/merchant/failed\">Failed</a>")
                    .append("<form method=\"post\" action=\"/merchant/logout\" class=\"logout\">")
                    .append(csrfField(csrfToken)).append("<button type=\"submit\">Log out</button></form>")
                    .append("</nav></header>");
        }
        html.append("<main><h1>").append(text(title)).append("</h1>").append(body).append("</main></body></html>\n");
        return html.toString();
    }

    static String csrfField(String token) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(token) + "\">";
    }

    /** A table cell that, on a phone, shows its column's name beside its value (see style.css). */
    static String cell(String label, String innerHtml) {
        return "<td data-label=\"" + text(label) + "\">" + innerHtml + "</td>";
    }

    static final String STYLE = """
            *{box-sizing:border-box}
            html{-webkit-text-size-adjust:100%}
            body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f6f3}
            header{background:#1f4e3d}
            nav{display:flex;flex-wrap:wrap;gap:.25rem;align-items:center;max-width:70rem;margin:0 auto;padding:.4rem .75rem}
            nav a{color:#fff;text-decoration:none;padding:.45rem .6rem;border-radius:.3rem}
            nav a:hover,nav a:focus{background:#2f6b55}
            nav .logout{margin-left:auto}
            main{max-width:70rem;margin:0 auto;padding:.75rem}
            h1{font-size:1.4rem;margin:.5rem 0 1rem}
            h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
            a{color:#1f4e3d}
            button,input{font:inherit}
            button{background:#1f4e3d;color:#fff;border:0;border-radius:.3rem;padding:.45rem .9rem;cursor:pointer}
            nav button{background:#fff;color:#1f4e3d}
            input[type=password],input[type=date],input[type=month]{padding:.45rem;border:1px solid #999;border-radius:.3rem;max-width:100%}
            .login{max-width:22rem}
            .login label{display:block;margin:.5rem 0}
            .login input{width:100%}
            .notice{padding:.6rem .8rem;border-radius:.3rem;background:#fff4d6;border:1px solid #e2c46b}
            .error{background:#fde2e1;border-color:#e08b86}
            .period{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-bottom:1rem}
            table{width:100%;border-collapse:collapse;background:#fff}
            th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
            td.num,th.num{text-align:right;white-space:nowrap}
            .mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
            .state{font-weight:600}
            .settled{color:#1d6b2f}.pending{color:#8a5a00}.failed,.declined{color:#a11d17}.other{color:#555}
            .badge{display:inline-block;font-size:.75rem;padding:0 .35rem;border-radius:.6rem;background:#e4e4dc;margin-left:.3rem}
            td,p,li{overflow-wrap:anywhere}
            @media (min-width:701px){th,td:first-child{white-space:nowrap}}
            @media (max-width:700px){
              table,thead,tbody,tr,td{display:block;width:100%}
              thead{display:none}
              tr{margin-bottom:.6rem;border:1px solid #ddd;border-radius:.3rem;background:#fff}
              td{border:0;border-bottom:1px solid #eee;padding:.35rem .6rem}
              td.num{text-align:left;white-space:normal}
              td::before{content:attr(data-label);display:block;font-size:.75rem;color:#666}
              nav .logout{margin-left:0}
            }
            """;
}
