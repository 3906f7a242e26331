/* xmpp-router.h — routes stanzas to handlers by (element, namespace of the
 * first child): message/presence handlers by any child namespace they
 * declare, IQ get/set handlers by their payload's (name, namespace). Pure
 * table; no I/O. The stream answers IQs nobody handles. */
#pragma once

#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

typedef struct _JaXmppRouter JaXmppRouter;

/* Returns TRUE when it consumed the stanza (later handlers are not asked). */
typedef gboolean (*JaXmppStanzaFunc) (const JaXmlNode *stanza,
    gpointer user_data);

JaXmppRouter *ja_xmpp_router_new (void);
void ja_xmpp_router_free (JaXmppRouter *router);

/* element: "message", "presence" or "iq"; ns: the namespace of a child the
 * stanza must carry, or NULL for every stanza of that element. For "iq", ns
 * and name select the payload of get/set requests. Returns an id for
 * ja_xmpp_router_remove(). */
guint ja_xmpp_router_add (JaXmppRouter *router, const char *element,
    const char *child_name, const char *ns, JaXmppStanzaFunc func,
    gpointer user_data);
void ja_xmpp_router_remove (JaXmppRouter *router, guint id);

/* Runs the handlers that match; FALSE when none consumed the stanza. */
gboolean ja_xmpp_router_dispatch (JaXmppRouter *router,
    const JaXmlNode *stanza);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaXmppRouter, ja_xmpp_router_free)

G_END_DECLS
