/* xml-node-private.h — node allocation shared by xml-node.c and
 * xml-stream-parser.c. A node is one block: a hidden header, the public
 * JaXmlNode, then room for its strings (name, ns, prefix, attribute names
 * and values), so building a parsed element costs one allocation instead of
 * one per string. A string replaced later (set_attr, or a field assigned by
 * a caller) is an ordinary g_malloc'd string; the two kinds are told apart
 * by address when freeing. */
#pragma once

#include <string.h>

#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

/* A node with string_bytes of inline room (at *strings, transfer none) and
 * an attrs array sized for n_attrs pairs. name must then be set. */
JaXmlNode *ja_xml_node_new_packed (gsize string_bytes, guint n_attrs,
    char **strings);

/* Copies len bytes of s to *strings, NUL-terminates them, advances
 * *strings and returns the copy. */
static inline char *
ja_xml_node_pack (char **strings, const char *s, gsize len)
{
  char *copy = *strings;

  memcpy (copy, s, len);
  copy[len] = '\0';
  *strings += len + 1;
  return copy;
}

G_END_DECLS
