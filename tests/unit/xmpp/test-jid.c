/* test-jid.c — RFC 7622 JID parsing, validation, normalisation and
 * comparison (signalling/xmpp/jid.c). */

#include <string.h>

#include <gio/gio.h>

#include "signalling/xmpp/jid.h"

static void
assert_jid (const char *text, const char *local, const char *domain,
    const char *resource)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJid) jid = ja_jid_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (jid);
  g_assert_cmpstr (jid->local, ==, local);
  g_assert_cmpstr (jid->domain, ==, domain);
  g_assert_cmpstr (jid->resource, ==, resource);
}

static void
assert_invalid (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJid) jid = ja_jid_parse (text, &error);

  if (jid != NULL)
    g_error ("\"%s\" parsed but is invalid", text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_parse_forms (void)
{
  assert_jid ("juliet@example.com/balcony", "juliet", "example.com",
      "balcony");
  assert_jid ("juliet@example.com", "juliet", "example.com", NULL);
  assert_jid ("example.com", NULL, "example.com", NULL);
  assert_jid ("example.com/foo", NULL, "example.com", "foo");
  assert_jid ("localhost", NULL, "localhost", NULL);
  assert_jid ("x_y-z.example", NULL, "x_y-z.example", NULL);
}

/* RFC 7622 §3.1: the resource is everything after the first '/', and only
 * an '@' before it separates the localpart. */
static void
test_parse_separators (void)
{
  assert_jid ("juliet@example.com/foo@bar/baz", "juliet", "example.com",
      "foo@bar/baz");
  assert_jid ("example.com/juliet@example.net", NULL, "example.com",
      "juliet@example.net");
  assert_jid ("juliet@example.com/a b", "juliet", "example.com", "a b");
  assert_jid ("juliet@example.com//", "juliet", "example.com", "/");
}

static void
test_parse_ip_literal (void)
{
  assert_jid ("[::1]", NULL, "[::1]", NULL);
  assert_jid ("juliet@[::1]/r", "juliet", "[::1]", "r");
  assert_jid ("[2001:DB8::1]", NULL, "[2001:db8::1]", NULL);
  assert_jid ("[::ffff:192.0.2.1]", NULL, "[::ffff:192.0.2.1]", NULL);
  assert_jid ("juliet@192.0.2.1/r", "juliet", "192.0.2.1", "r");
}

static void
test_parse_normalise (void)
{
  assert_jid ("Juliet@Example.COM/Balcony", "juliet", "example.com",
      "Balcony");
  /* §3.2: a trailing dot is stripped. */
  assert_jid ("juliet@example.com./r", "juliet", "example.com", "r");
  /* UTF-8 parts, NFC: "e" + U+0301 becomes U+00E9. */
  assert_jid ("J\xc3\xbcliet@\xc3\xa9xample.com/r\x65\xcc\x81sum\xc3\xa9",
      "j\xc3\xbcliet", "\xc3\xa9xample.com", "r\xc3\xa9sum\xc3\xa9");
  assert_jid ("\xc3\x84@example.com", "\xc3\xa4", "example.com", NULL);
}

static void
test_invalid (void)
{
  static const char *const cases[] = {
    "", "@", "/", "@/", "@example.com", "juliet@", "juliet@/r",
    "juliet@example.com/", "/balcony", "example.com/",
    "a@b@c", "jul iet@example.com", "juliet@exa mple.com",
    "ju\"liet@example.com", "ju&liet@example.com", "ju'liet@example.com",
    "ju:liet@example.com", "ju<liet@example.com", "ju>liet@example.com",
    "ju\tliet@example.com", "juliet@example.com:5222",
    "juliet@example..com", "juliet@.example.com", ".", "..", "a@.",
    "example.com..", "juliet@exa<mple.com", "juliet@exa\x01mple.com",
    "juliet@example.com/ba\x01lcony", "juliet@example.com/ba\x7flcony",
    "[::1", "[]", "[1.2.3.4]", "[::1%eth0]", "[zz::1]", "[::1]x",
    "\xff@example.com", "juliet@exam\xc3ple.com", "juliet@example.com/\xe2\x82",
    "ju\xc2\xa0liet@example.com", "juliet@exa\xe2\x80\x83mple.com",
    "ju\xc2\x85liet@example.com",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_invalid (cases[i]);
}

/* RFC 7622 §3.1: each part at most 1023 bytes. */
static void
test_length_limits (void)
{
  g_autofree char *p1023 = g_strnfill (1023, 'a');
  g_autofree char *p1024 = g_strnfill (1024, 'a');
  g_autofree char *ok = g_strdup_printf ("%s@%s/%s", p1023, p1023, p1023);
  g_autofree char *long_local = g_strdup_printf ("%s@example.com", p1024);
  g_autofree char *long_domain = g_strdup_printf ("juliet@%s", p1024);
  g_autofree char *long_res = g_strdup_printf ("juliet@example.com/%s",
      p1024);
  g_autofree char *huge = g_strnfill (100000, 'a');
  g_autoptr (JaJid) jid = ja_jid_parse (ok, NULL);

  g_assert_nonnull (jid);
  g_assert_cmpuint (strlen (jid->local), ==, 1023);
  g_assert_cmpuint (strlen (jid->resource), ==, 1023);
  assert_invalid (long_local);
  assert_invalid (long_domain);
  assert_invalid (long_res);
  assert_invalid (huge);
}

static void
test_to_string (void)
{
  g_autoptr (JaJid) full = ja_jid_parse ("Juliet@Example.com/Balcony", NULL);
  g_autoptr (JaJid) domain = ja_jid_parse ("example.com", NULL);
  g_autoptr (JaJid) ip = ja_jid_parse ("[::1]/r", NULL);
  g_autofree char *s1 = ja_jid_to_string (full);
  g_autofree char *s2 = ja_jid_to_bare (full);
  g_autofree char *s3 = ja_jid_to_string (domain);
  g_autofree char *s4 = ja_jid_to_bare (domain);
  g_autofree char *s5 = ja_jid_to_string (ip);

  g_assert_cmpstr (s1, ==, "juliet@example.com/Balcony");
  g_assert_cmpstr (s2, ==, "juliet@example.com");
  g_assert_cmpstr (s3, ==, "example.com");
  g_assert_cmpstr (s4, ==, "example.com");
  g_assert_cmpstr (s5, ==, "[::1]/r");
}

static void
test_equal (void)
{
  g_autoptr (JaJid) a = ja_jid_parse ("juliet@example.com/balcony", NULL);
  g_autoptr (JaJid) b = ja_jid_parse ("JULIET@EXAMPLE.COM./balcony", NULL);
  g_autoptr (JaJid) c = ja_jid_parse ("juliet@example.com/Balcony", NULL);
  g_autoptr (JaJid) d = ja_jid_parse ("example.com/balcony", NULL);
  g_autoptr (JaJid) e = ja_jid_copy (c);

  g_assert_true (ja_jid_equal (a, b));
  g_assert_false (ja_jid_equal (a, c));
  g_assert_true (ja_jid_bare_equal (a, c));
  g_assert_false (ja_jid_bare_equal (a, d));
  g_assert_true (ja_jid_equal (c, e));
  g_assert_true (e->resource != c->resource);
  g_assert_null (ja_jid_copy (NULL));
}

static void
test_string_helpers (void)
{
  g_autofree char *bare = ja_jid_string_to_bare ("Romeo@Montague.lit/orchard");

  g_assert_cmpstr (bare, ==, "romeo@montague.lit");
  g_assert_null (ja_jid_string_to_bare ("romeo@"));
  g_assert_null (ja_jid_string_to_bare (NULL));
  g_assert_true (ja_jid_string_bare_equal ("romeo@montague.lit/a",
      "ROMEO@montague.lit/b"));
  g_assert_false (ja_jid_string_bare_equal ("romeo@montague.lit",
      "juliet@capulet.lit"));
  g_assert_false (ja_jid_string_bare_equal ("romeo@", "romeo@"));
  g_assert_false (ja_jid_string_bare_equal (NULL, "romeo@montague.lit"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/jid/parse/forms", test_parse_forms);
  g_test_add_func ("/xmpp/jid/parse/separators", test_parse_separators);
  g_test_add_func ("/xmpp/jid/parse/ip-literal", test_parse_ip_literal);
  g_test_add_func ("/xmpp/jid/parse/normalise", test_parse_normalise);
  g_test_add_func ("/xmpp/jid/invalid", test_invalid);
  g_test_add_func ("/xmpp/jid/length-limits", test_length_limits);
  g_test_add_func ("/xmpp/jid/to-string", test_to_string);
  g_test_add_func ("/xmpp/jid/equal", test_equal);
  g_test_add_func ("/xmpp/jid/string-helpers", test_string_helpers);

  return g_test_run ();
}
