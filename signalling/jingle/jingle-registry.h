/* jingle-registry.h — the application and transport kinds the agent
 * speaks, by namespace (redis-style registry). Transports are kept ordered
 * by priority (highest first): that order drives transport choice and
 * fallback. The api of each kind is checked once, here. Refcounted. */
#pragma once

#include "signalling/jingle/jingle-plugin.h"

G_BEGIN_DECLS

typedef struct _JaJingleRegistry JaJingleRegistry;

JaJingleRegistry *ja_jingle_registry_new (void);
JaJingleRegistry *ja_jingle_registry_ref (JaJingleRegistry *reg);
void ja_jingle_registry_unref (JaJingleRegistry *reg);

/* FALSE (and a g_critical: a plugin bug) when the kind fails
 * ja_jingle_*_kind_check() or its namespace is already registered. The
 * kind is borrowed for the registry's lifetime (a static const table). */
gboolean ja_jingle_registry_add_app (JaJingleRegistry *reg,
    const JaJingleAppKind *kind);
gboolean ja_jingle_registry_add_transport (JaJingleRegistry *reg,
    const JaJingleTransportKind *kind);

const JaJingleAppKind *ja_jingle_registry_lookup_app (JaJingleRegistry *reg,
    const char *ns);
const JaJingleTransportKind *ja_jingle_registry_lookup_transport (
    JaJingleRegistry *reg, const char *ns);

/* The highest-priority transport of that flavor not in tried
 * (const JaJingleTransportKind*; nullable), or NULL. */
const JaJingleTransportKind *ja_jingle_registry_next_transport (
    JaJingleRegistry *reg, JaJingleFlavor flavor, const GPtrArray *tried);

guint ja_jingle_registry_get_n_transports (JaJingleRegistry *reg);
const JaJingleTransportKind *ja_jingle_registry_get_transport (
    JaJingleRegistry *reg, guint i);

/* Disco features (XEP-0166 §11): urn:xmpp:jingle:1 and every kind's
 * namespace. (transfer full) */
char **ja_jingle_registry_dup_features (JaJingleRegistry *reg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaJingleRegistry, ja_jingle_registry_unref)

G_END_DECLS
