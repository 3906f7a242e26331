/* jid.c — XMPP addresses (RFC 7622 §3): split, validate and normalise
 * localpart@domainpart/resourcepart. Pure and bounded: every part is at most
 * 1023 bytes (§3.1) before and after normalisation. The PRECIS profiles are
 * approximated: local and domain are lower-cased and NFC-normalised, the
 * resource is NFC-normalised; controls are refused everywhere. A JaJid owns
 * its three strings. */

#include "signalling/xmpp/jid.h"

#include <string.h>

#include <gio/gio.h>

#define JID_MAX_PART 1023 /* RFC 7622 §3.1 */
#define JID_MAX_TEXT (3 * JID_MAX_PART + 2)

static gboolean
fail (GError **error, const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      message);
  return FALSE;
}

/* Case-maps (when asked) and NFC-normalises one part, then re-checks the
 * length, since both steps can change it. Lower-casing is the simple,
 * locale-independent Unicode mapping (never Turkish dotless i). The rules
 * are checked on the result, as PRECIS does (RFC 8264 §7): NFC maps some
 * characters to ASCII punctuation (U+037E becomes ';'). (transfer full) */
static char *
normalise_part (const char *part, gsize len, gboolean lower, GError **error)
{
  g_autoptr (GString) mapped = g_string_sized_new (len + 1);
  char *out;

  if (lower) {
    for (const char *p = part; p < part + len; p = g_utf8_next_char (p))
      g_string_append_unichar (mapped, g_unichar_tolower (g_utf8_get_char (p)));
  } else {
    g_string_append_len (mapped, part, len);
  }
  out = g_utf8_normalize (mapped->str, mapped->len, G_NORMALIZE_NFC);
  if (out == NULL || out[0] == '\0' || strlen (out) > JID_MAX_PART) {
    g_free (out);
    fail (error, "JID part is empty or too long after normalisation");
    return NULL;
  }
  return out;
}

static gboolean
check_length (gsize len, const char *what, GError **error)
{
  if (len == 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "JID %s is empty", what);
    return FALSE;
  }
  if (len > JID_MAX_PART) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "JID %s is longer than %d bytes", what, JID_MAX_PART);
    return FALSE;
  }
  return TRUE;
}

/* RFC 7622 §3.3.1: UsernameCaseMapped allows no spaces, and the localpart
 * additionally forbids " & ' / : < > @. */
static gboolean
check_local (const char *p, const char *end, GError **error)
{
  for (; p < end; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
      return fail (error, "JID localpart contains a space or control");
    if (c < 0x80 && strchr ("\"&'/:<>@", (int) c) != NULL)
      return fail (error, "JID localpart contains a forbidden character");
  }
  return TRUE;
}

/* RFC 7622 §3.2: an IP-literal "[IPv6]" (RFC 3986), checked strictly: no
 * zone identifier. */
static gboolean
check_ip_literal (const char *p, gsize len, GError **error)
{
  g_autofree char *inner = NULL;
  g_autoptr (GInetAddress) addr = NULL;

  if (len < 3 || p[len - 1] != ']')
    return fail (error, "JID domainpart has an unterminated IP literal");
  inner = g_strndup (p + 1, len - 2);
  if (strspn (inner, "0123456789abcdefABCDEF:.") != len - 2)
    return fail (error, "JID domainpart has an invalid IP literal");
  addr = g_inet_address_new_from_string (inner);
  if (addr == NULL
      || g_inet_address_get_family (addr) != G_SOCKET_FAMILY_IPV6)
    return fail (error, "JID domainpart has an invalid IPv6 literal");
  return TRUE;
}

/* RFC 7622 §3.2: a DNS name (IDNA U-labels allowed) or an IPv4 address.
 * ASCII is held to letters, digits, '-', '_' (seen in practice) and dots
 * between non-empty labels. */
static gboolean
check_domain (const char *p, gsize len, GError **error)
{
  const char *end = p + len;
  gboolean label_empty = TRUE;

  if (p[0] == '[')
    return check_ip_literal (p, len, error);

  for (; p < end; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (c == '.') {
      if (label_empty)
        return fail (error, "JID domainpart has an empty label");
      label_empty = TRUE;
      continue;
    }
    if (c < 0x80) {
      if (!g_ascii_isalnum ((char) c) && c != '-' && c != '_')
        return fail (error, "JID domainpart contains a forbidden character");
    } else if (g_unichar_iscntrl (c) || g_unichar_isspace (c)) {
      return fail (error, "JID domainpart contains a space or control");
    }
    label_empty = FALSE;
  }
  if (label_empty)
    return fail (error, "JID domainpart has an empty label");
  return TRUE;
}

/* RFC 7622 §3.4: OpaqueString allows spaces but no controls. */
static gboolean
check_resource (const char *p, const char *end, GError **error)
{
  for (; p < end; p = g_utf8_next_char (p)) {
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return fail (error, "JID resourcepart contains a control character");
  }
  return TRUE;
}

JaJid *
ja_jid_parse (const char *text, GError **error)
{
  g_autoptr (JaJid) jid = NULL;
  const char *slash, *at, *bare_end, *domain;
  gsize len, domain_len;

  g_return_val_if_fail (text != NULL, NULL);

  len = strnlen (text, JID_MAX_TEXT + 1);
  if (len > JID_MAX_TEXT) {
    fail (error, "JID is too long");
    return NULL;
  }
  if (!g_utf8_validate_len (text, len, NULL)) {
    fail (error, "JID is not valid UTF-8");
    return NULL;
  }

  /* §3.1: the resource starts at the first '/'; the localpart ends at the
   * first '@' before it. */
  slash = strchr (text, '/');
  bare_end = slash != NULL ? slash : text + len;
  at = memchr (text, '@', bare_end - text);
  domain = at != NULL ? at + 1 : text;
  domain_len = bare_end - domain;
  /* §3.2: a trailing label separator is stripped before any use. */
  if (domain_len > 1 && domain[domain_len - 1] == '.')
    domain_len--;

  jid = g_new0 (JaJid, 1);
  if (at != NULL) {
    if (!check_length (at - text, "localpart", error))
      return NULL;
    jid->local = normalise_part (text, at - text, TRUE, error);
    if (jid->local == NULL
        || !check_local (jid->local, jid->local + strlen (jid->local), error))
      return NULL;
  }

  if (!check_length (domain_len, "domainpart", error))
    return NULL;
  jid->domain = normalise_part (domain, domain_len, TRUE, error);
  if (jid->domain == NULL
      || !check_domain (jid->domain, strlen (jid->domain), error))
    return NULL;

  if (slash != NULL) {
    const char *res = slash + 1;
    gsize res_len = text + len - res;

    if (!check_length (res_len, "resourcepart", error))
      return NULL;
    jid->resource = normalise_part (res, res_len, FALSE, error);
    if (jid->resource == NULL
        || !check_resource (jid->resource,
            jid->resource + strlen (jid->resource), error))
      return NULL;
  }

  return g_steal_pointer (&jid);
}

void
ja_jid_free (JaJid *jid)
{
  if (jid == NULL)
    return;
  g_free (jid->local);
  g_free (jid->domain);
  g_free (jid->resource);
  g_free (jid);
}

JaJid *
ja_jid_copy (const JaJid *jid)
{
  JaJid *copy;

  if (jid == NULL)
    return NULL;
  copy = g_new0 (JaJid, 1);
  copy->local = g_strdup (jid->local);
  copy->domain = g_strdup (jid->domain);
  copy->resource = g_strdup (jid->resource);
  return copy;
}

char *
ja_jid_to_bare (const JaJid *jid)
{
  g_return_val_if_fail (jid != NULL && jid->domain != NULL, NULL);

  if (jid->local != NULL)
    return g_strconcat (jid->local, "@", jid->domain, NULL);
  return g_strdup (jid->domain);
}

char *
ja_jid_to_string (const JaJid *jid)
{
  g_autofree char *bare = NULL;

  g_return_val_if_fail (jid != NULL && jid->domain != NULL, NULL);

  bare = ja_jid_to_bare (jid);
  if (jid->resource == NULL)
    return g_steal_pointer (&bare);
  return g_strconcat (bare, "/", jid->resource, NULL);
}

gboolean
ja_jid_bare_equal (const JaJid *a, const JaJid *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return g_strcmp0 (a->local, b->local) == 0
      && g_strcmp0 (a->domain, b->domain) == 0;
}

gboolean
ja_jid_equal (const JaJid *a, const JaJid *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return ja_jid_bare_equal (a, b)
      && g_strcmp0 (a->resource, b->resource) == 0;
}

gboolean
ja_jid_string_bare_equal (const char *a, const char *b)
{
  g_autoptr (JaJid) ja = NULL;
  g_autoptr (JaJid) jb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  ja = ja_jid_parse (a, NULL);
  jb = ja_jid_parse (b, NULL);
  if (ja == NULL || jb == NULL)
    return FALSE;
  return ja_jid_bare_equal (ja, jb);
}

char *
ja_jid_string_to_bare (const char *text)
{
  g_autoptr (JaJid) jid = NULL;

  if (text == NULL)
    return NULL;
  jid = ja_jid_parse (text, NULL);
  if (jid == NULL)
    return NULL;
  return ja_jid_to_bare (jid);
}
