/* xml-writer.c — serialising JaXmlNode trees (XML 1.0 §2.4 character data,
 * §3.3.3 attribute-value normalisation, Namespaces in XML 1.0 §6 scoping).
 *
 * Namespaces: an unprefixed element gets xmlns='…' when its namespace differs
 * from the default one in scope; an element in no namespace (ns NULL) is
 * written without xmlns, i.e. it inherits the namespace in scope. A prefixed
 * element (prefix and ns set, e.g. <stream:features/>) keeps its prefix and
 * declares xmlns:prefix unless an ancestor written in the same call bound
 * that prefix to the same namespace; it does not change the default
 * namespace its children see. Attribute names are written as they are,
 * except "URI local" names (see xml-node.h), which get a generated prefix.
 *
 * Escaping: & < > in text and additionally " ' and TAB, LF, CR (as character
 * references, so they survive attribute-value normalisation) in attribute
 * values; CR is also escaped in text (XML 1.0 §2.11 would turn it into LF).
 * Other C0 control characters cannot be represented in XML 1.0 and are
 * dropped. */

#include "signalling/xml/xml-writer.h"

#include <string.h>

/* A namespace prefix binding made by an ancestor in this call. */
typedef struct _Scope Scope;
struct _Scope {
  const char *prefix;
  const char *ns;
  const Scope *up;
};

enum {
  ESC_NONE = 0,
  ESC_ALWAYS,   /* & < > */
  ESC_ATTR,     /* " ' TAB LF: only in attribute values */
  ESC_CR,
  ESC_DROP,     /* not an XML 1.0 Char */
};

static const guint8 escape_class[256] = {
  [0x00 ... 0x08] = ESC_DROP,
  ['\t'] = ESC_ATTR, ['\n'] = ESC_ATTR,
  [0x0b ... 0x0c] = ESC_DROP,
  ['\r'] = ESC_CR,
  [0x0e ... 0x1f] = ESC_DROP,
  ['&'] = ESC_ALWAYS, ['<'] = ESC_ALWAYS, ['>'] = ESC_ALWAYS,
  ['"'] = ESC_ATTR, ['\''] = ESC_ATTR,
};

static const char *const escapes[256] = {
  ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
  ['"'] = "&quot;", ['\''] = "&apos;",
  ['\t'] = "&#9;", ['\n'] = "&#10;", ['\r'] = "&#13;",
};

/* Copies runs that need no escaping in one append. */
static void
escape_append (GString *out, const char *text, gsize len, gboolean attr)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + len;
  const guchar *run = p;

  for (; p < end; p++) {
    guint8 cls = escape_class[*p];

    if (G_LIKELY (cls == ESC_NONE) || (cls == ESC_ATTR && !attr))
      continue;
    if (p > run)
      g_string_append_len (out, (const char *) run, p - run);
    run = p + 1;
    if (cls != ESC_DROP)
      g_string_append (out, escapes[*p]);
  }
  if (p > run)
    g_string_append_len (out, (const char *) run, p - run);
}

void
ja_xml_escape_append (GString *out, const char *text, gssize len)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);
  escape_append (out, text, len, TRUE);
}

static const char *
lookup_prefix (const Scope *scope, const char *prefix)
{
  for (; scope != NULL; scope = scope->up) {
    if (strcmp (scope->prefix, prefix) == 0)
      return scope->ns;
  }
  return NULL;
}

static void
append_qname (GString *out, const JaXmlNode *node)
{
  if (node->prefix != NULL && node->ns != NULL) {
    g_string_append (out, node->prefix);
    g_string_append_c (out, ':');
  }
  g_string_append (out, node->name);
}

static void
append_attr (GString *out, const char *name, const char *value)
{
  g_string_append_c (out, ' ');
  g_string_append (out, name);
  g_string_append (out, "='");
  escape_append (out, value, strlen (value), TRUE);
  g_string_append_c (out, '\'');
}

/* Writes "<qname xmlns… attrs" (no closing '>'). Returns the default
 * namespace the children see; bindings made here are prepended to *scope,
 * with their storage in *owned (to free after the element). */
static const char *
append_start_tag (GString *out, const JaXmlNode *node, const char *default_ns,
    const char *content_ns, const Scope **scope, GPtrArray **owned)
{
  gboolean prefixed = node->prefix != NULL && node->ns != NULL;
  const char *child_ns = default_ns;
  guint generated = 0;

  g_string_append_c (out, '<');
  append_qname (out, node);
  if (!prefixed) {
    if (node->ns != NULL && g_strcmp0 (node->ns, default_ns) != 0) {
      g_string_append (out, " xmlns='");
      escape_append (out, node->ns, strlen (node->ns), TRUE);
      g_string_append_c (out, '\'');
    }
    if (node->ns != NULL)
      child_ns = node->ns;
  } else {
    if (content_ns != NULL && g_strcmp0 (content_ns, default_ns) != 0) {
      append_attr (out, "xmlns", content_ns);
      child_ns = content_ns;
    }
    if (g_strcmp0 (lookup_prefix (*scope, node->prefix), node->ns) != 0) {
      Scope *s = g_new (Scope, 1);

      g_string_append (out, " xmlns:");
      g_string_append (out, node->prefix);
      g_string_append (out, "='");
      escape_append (out, node->ns, strlen (node->ns), TRUE);
      g_string_append_c (out, '\'');
      *s = (Scope) { node->prefix, node->ns, *scope };
      *scope = s;
      if (*owned == NULL)
        *owned = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (*owned, s);
    }
  }

  for (guint i = 0; i + 1 < node->attrs->len; i += 2) {
    const char *name = node->attrs->pdata[i];
    const char *value = node->attrs->pdata[i + 1];
    const char *space = strchr (name, ' ');
    char *prefix;
    char *uri;
    Scope *s;

    if (G_LIKELY (space == NULL)) {
      append_attr (out, name, value);
      continue;
    }
    /* "URI local": bind a fresh prefix for URI on this element. */
    prefix = g_strdup_printf ("ns%u", generated++);
    if (g_strcmp0 (prefix, node->prefix) == 0) {
      g_free (prefix);
      prefix = g_strdup_printf ("ns%u", generated++);
    }
    uri = g_strndup (name, space - name);
    g_string_append_printf (out, " xmlns:%s='", prefix);
    escape_append (out, uri, space - name, TRUE);
    g_string_append_printf (out, "' %s:%s='", prefix, space + 1);
    escape_append (out, value, strlen (value), TRUE);
    g_string_append_c (out, '\'');
    s = g_new (Scope, 1);
    *s = (Scope) { prefix, uri, *scope };
    *scope = s;
    if (*owned == NULL)
      *owned = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (*owned, s);
    g_ptr_array_add (*owned, prefix);
    g_ptr_array_add (*owned, uri);
  }
  return child_ns;
}

static void
append_indent (GString *out, int depth)
{
  g_string_append_c (out, '\n');
  for (int i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

/* depth < 0: compact; otherwise pretty at that indentation level. */
static void
append_element (GString *out, const JaXmlNode *node, const char *default_ns,
    const Scope *scope, int depth)
{
  g_autoptr (GPtrArray) owned = NULL;
  const char *child_ns;
  guint n_children = node->children != NULL ? node->children->len : 0;
  gboolean has_text = node->text != NULL && node->text->len > 0;

  child_ns = append_start_tag (out, node, default_ns, NULL, &scope, &owned);
  if (n_children == 0 && !has_text) {
    g_string_append (out, "/>");
    return;
  }
  g_string_append_c (out, '>');
  if (has_text) {
    if (depth >= 0 && n_children > 0)
      append_indent (out, depth + 1);
    escape_append (out, node->text->str, node->text->len, FALSE);
  }
  for (guint i = 0; i < n_children; i++) {
    if (depth >= 0)
      append_indent (out, depth + 1);
    append_element (out, node->children->pdata[i], child_ns, scope,
        depth >= 0 ? depth + 1 : -1);
  }
  if (depth >= 0 && n_children > 0)
    append_indent (out, depth);
  g_string_append (out, "</");
  append_qname (out, node);
  g_string_append_c (out, '>');
}

void
ja_xml_writer_append (GString *out, const JaXmlNode *node,
    const char *parent_ns)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (node != NULL);

  append_element (out, node, parent_ns, NULL, -1);
}

char *
ja_xml_node_to_string (const JaXmlNode *node, const char *parent_ns)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (256);
  append_element (out, node, parent_ns, NULL, -1);
  return g_string_free (out, FALSE);
}

char *
ja_xml_node_to_pretty_string (const JaXmlNode *node, const char *parent_ns)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (256);
  append_element (out, node, parent_ns, NULL, 0);
  return g_string_free (out, FALSE);
}

void
ja_xml_writer_append_open (GString *out, const JaXmlNode *node,
    const char *parent_ns, const char *content_ns)
{
  g_autoptr (GPtrArray) owned = NULL;
  const Scope *scope = NULL;

  g_return_if_fail (out != NULL);
  g_return_if_fail (node != NULL);

  append_start_tag (out, node, parent_ns, content_ns, &scope, &owned);
  g_string_append_c (out, '>');
}

void
ja_xml_writer_append_close (GString *out, const JaXmlNode *node)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (node != NULL);

  g_string_append (out, "</");
  append_qname (out, node);
  g_string_append_c (out, '>');
}
