/* xml-node.c — the JaXmlNode element tree (see xml-node.h): elements of
 * XML 1.0 with Namespaces in XML 1.0, reduced to what XMPP (RFC 6120 §11)
 * uses. Attributes are a flat array of name/value pairs because stanzas
 * carry a handful of them and a linear scan beats any hash at that size. */

#include "signalling/xml/xml-node.h"
#include "signalling/xml/xml-node-private.h"

#include <string.h>

/* The hidden header in front of every node (xml-node-private.h). */
typedef struct {
  const char *strings_end;  /* end of the inline strings after the node */
  JaXmlNode node;
} NodeBlock;

#define NODE_BLOCK(n) \
  ((NodeBlock *) ((char *) (n) - G_STRUCT_OFFSET (NodeBlock, node)))

JaXmlNode *
ja_xml_node_new_packed (gsize string_bytes, guint n_attrs, char **strings)
{
  NodeBlock *block = g_malloc (sizeof (NodeBlock) + string_bytes);
  JaXmlNode *node = &block->node;

  *strings = (char *) (block + 1);
  block->strings_end = *strings + string_bytes;
  node->name = NULL;
  node->ns = NULL;
  node->prefix = NULL;
  /* No free function: inline strings are not separately allocated. */
  node->attrs = g_ptr_array_sized_new (n_attrs * 2);
  node->text = NULL;
  node->children = NULL;
  node->parent = NULL;
  return node;
}

static inline gboolean
is_inline (const JaXmlNode *node, const char *s)
{
  const NodeBlock *block = NODE_BLOCK (node);

  return s >= (const char *) (block + 1) && s < block->strings_end;
}

/* Frees a string the node owns, unless it lives in the node's block. */
static inline void
free_string (const JaXmlNode *node, char *s)
{
  if (s != NULL && !is_inline (node, s))
    g_free (s);
}

static gsize
size0 (const char *s)
{
  return s != NULL ? strlen (s) + 1 : 0;
}

static char *
pack0 (char **strings, const char *s)
{
  return s != NULL ? ja_xml_node_pack (strings, s, strlen (s)) : NULL;
}

JaXmlNode *
ja_xml_node_new (const char *name, const char *ns)
{
  JaXmlNode *node;
  char *strings;

  g_return_val_if_fail (name != NULL, NULL);

  node = ja_xml_node_new_packed (size0 (name) + size0 (ns), 0, &strings);
  node->name = pack0 (&strings, name);
  node->ns = pack0 (&strings, ns);
  return node;
}

void
ja_xml_node_free (JaXmlNode *node)
{
  if (node == NULL)
    return;

  free_string (node, node->name);
  free_string (node, node->ns);
  free_string (node, node->prefix);
  for (guint i = 0; i < node->attrs->len; i++)
    free_string (node, node->attrs->pdata[i]);
  g_ptr_array_unref (node->attrs);
  if (node->text != NULL)
    g_string_free (node->text, TRUE);
  if (node->children != NULL)
    g_ptr_array_unref (node->children);
  g_free (NODE_BLOCK (node));
}

JaXmlNode *
ja_xml_node_copy (const JaXmlNode *node)
{
  JaXmlNode *copy;
  gsize bytes;
  char *strings;

  g_return_val_if_fail (node != NULL, NULL);

  bytes = size0 (node->name) + size0 (node->ns) + size0 (node->prefix);
  for (guint i = 0; i < node->attrs->len; i++)
    bytes += size0 (node->attrs->pdata[i]);
  copy = ja_xml_node_new_packed (bytes, node->attrs->len / 2, &strings);
  copy->name = pack0 (&strings, node->name);
  copy->ns = pack0 (&strings, node->ns);
  copy->prefix = pack0 (&strings, node->prefix);
  for (guint i = 0; i < node->attrs->len; i++)
    g_ptr_array_add (copy->attrs, pack0 (&strings, node->attrs->pdata[i]));
  if (node->text != NULL)
    copy->text = g_string_new_len (node->text->str, node->text->len);
  if (node->children != NULL) {
    for (guint i = 0; i < node->children->len; i++)
      ja_xml_node_add_child (copy,
          ja_xml_node_copy (node->children->pdata[i]));
  }
  return copy;
}

void
ja_xml_node_set_ns (JaXmlNode *node, const char *ns)
{
  g_return_if_fail (node != NULL);

  free_string (node, node->ns);
  node->ns = g_strdup (ns);
}

void
ja_xml_node_set_prefix (JaXmlNode *node, const char *prefix)
{
  g_return_if_fail (node != NULL);

  free_string (node, node->prefix);
  node->prefix = g_strdup (prefix);
}

/* Index of the name slot of attribute name, or -1. */
static int
find_attr (const JaXmlNode *node, const char *name)
{
  for (guint i = 0; i + 1 < node->attrs->len; i += 2) {
    if (strcmp (node->attrs->pdata[i], name) == 0)
      return (int) i;
  }
  return -1;
}

const char *
ja_xml_node_get_attr (const JaXmlNode *node, const char *name)
{
  int i;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  i = find_attr (node, name);
  return i < 0 ? NULL : node->attrs->pdata[i + 1];
}

/* Takes ownership of value (which may be NULL: remove). */
static void
take_attr (JaXmlNode *node, const char *name, char *value)
{
  int i = find_attr (node, name);

  if (value == NULL) {
    if (i >= 0) {
      free_string (node, node->attrs->pdata[i]);
      free_string (node, node->attrs->pdata[i + 1]);
      g_ptr_array_remove_range (node->attrs, i, 2);
    }
    return;
  }
  if (i >= 0) {
    free_string (node, node->attrs->pdata[i + 1]);
    node->attrs->pdata[i + 1] = value;
    return;
  }
  g_ptr_array_add (node->attrs, g_strdup (name));
  g_ptr_array_add (node->attrs, value);
}

void
ja_xml_node_set_attr (JaXmlNode *node, const char *name, const char *value)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL);

  take_attr (node, name, g_strdup (value));
}

void
ja_xml_node_set_attr_printf (JaXmlNode *node, const char *name,
    const char *format, ...)
{
  va_list args;
  char *value;

  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (format != NULL);

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);
  take_attr (node, name, value);
}

guint
ja_xml_node_get_n_attrs (const JaXmlNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  return node->attrs->len / 2;
}

const char *
ja_xml_node_get_text (const JaXmlNode *node)
{
  g_return_val_if_fail (node != NULL, "");

  return node->text != NULL ? node->text->str : "";
}

void
ja_xml_node_set_text (JaXmlNode *node, const char *text)
{
  g_return_if_fail (node != NULL);

  if (node->text != NULL) {
    g_string_free (node->text, TRUE);
    node->text = NULL;
  }
  if (text != NULL && *text != '\0')
    node->text = g_string_new (text);
}

void
ja_xml_node_append_text (JaXmlNode *node, const char *text, gssize len)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);
  if (len == 0)
    return;
  if (node->text == NULL)
    node->text = g_string_new_len (text, len);
  else
    g_string_append_len (node->text, text, len);
}

static void
free_child (gpointer child)
{
  ja_xml_node_free (child);
}

JaXmlNode *
ja_xml_node_add_child (JaXmlNode *node, JaXmlNode *child)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (child != NULL, NULL);
  g_return_val_if_fail (child->parent == NULL, NULL);

  /* Room for a few children up front: most elements have one to four. */
  if (node->children == NULL)
    node->children = g_ptr_array_new_full (4, free_child);
  g_ptr_array_add (node->children, child);
  child->parent = node;
  return child;
}

JaXmlNode *
ja_xml_node_add_new (JaXmlNode *node, const char *name, const char *ns)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return ja_xml_node_add_child (node,
      ja_xml_node_new (name, ns != NULL ? ns : node->ns));
}

gboolean
ja_xml_node_is (const JaXmlNode *node, const char *name, const char *ns)
{
  g_return_val_if_fail (node != NULL, FALSE);

  if (name != NULL && strcmp (node->name, name) != 0)
    return FALSE;
  return ns == NULL || g_strcmp0 (node->ns, ns) == 0;
}

JaXmlNode *
ja_xml_node_find (const JaXmlNode *node, const char *name, const char *ns)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (node->children == NULL)
    return NULL;
  for (guint i = 0; i < node->children->len; i++) {
    JaXmlNode *child = node->children->pdata[i];

    if (ja_xml_node_is (child, name, ns))
      return child;
  }
  return NULL;
}

JaXmlNode *
ja_xml_node_find_ns (const JaXmlNode *node, const char *ns)
{
  g_return_val_if_fail (node != NULL, NULL);

  if (node->children == NULL)
    return NULL;
  for (guint i = 0; i < node->children->len; i++) {
    JaXmlNode *child = node->children->pdata[i];

    if (ns == NULL || g_strcmp0 (child->ns, ns) == 0)
      return child;
  }
  return NULL;
}

guint
ja_xml_node_get_n_children (const JaXmlNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  return node->children != NULL ? node->children->len : 0;
}

JaXmlNode *
ja_xml_node_get_child (const JaXmlNode *node, guint i)
{
  g_return_val_if_fail (node != NULL, NULL);

  if (node->children == NULL || i >= node->children->len)
    return NULL;
  return node->children->pdata[i];
}

JaXmlNode *
ja_xml_node_steal_child (JaXmlNode *node, JaXmlNode *child)
{
  guint i;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (child != NULL, NULL);

  if (node->children == NULL
      || !g_ptr_array_find (node->children, child, &i))
    return NULL;
  g_ptr_array_steal_index (node->children, i);
  child->parent = NULL;
  if (node->children->len == 0)
    g_clear_pointer (&node->children, g_ptr_array_unref);
  return child;
}

gboolean
ja_xml_parse_decimal (const char *text, guint64 min, guint64 max,
    guint64 *out)
{
  guint64 v = 0;
  gsize n;

  if (text == NULL)
    return FALSE;
  n = strlen (text);
  if (n == 0 || n > 20)
    return FALSE;
  for (gsize i = 0; i < n; i++) {
    guint d;

    if (!g_ascii_isdigit (text[i]))
      return FALSE;
    d = (guint) (text[i] - '0');
    if (v > (G_MAXUINT64 - d) / 10)
      return FALSE;
    v = v * 10 + d;
  }
  if (v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}
