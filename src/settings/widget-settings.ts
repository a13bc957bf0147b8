/**
 * The `widget` section of the environment settings: which web origins may embed the widget (CORS
 * for the API, checked on preflight and on every answer), and the owner's brand shown by the widget
 * and the hosted connect page (magic links). Only the owner sets it (settings take the environment key).
 */
export interface WidgetSettings {
  /** Origins (`https://app.example.com`) whose pages may call the API from a browser; none: same origin only. */
  allowed_origins: string[];
  /** The owner's product name, shown in the panel's header and on the connect page. */
  name: string | null;
  /** An https (or data:) image URL of the owner's logo. */
  logo_url: string | null;
  /** The accent colour, `#rgb` or `#rrggbb`. */
  color: string | null;
  /** An icon URL per connector id; a connector without one shows its initial. */
  connector_icons: Record<string, string>;
}

const imageUrl = { type: 'string', maxLength: 4096, pattern: '^(https?://|data:image/)' } as const;

export const widgetSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // An origin is scheme://host[:port], nothing after it: the browser sends exactly that in Origin.
    allowed_origins: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 300, pattern: '^https?://[^/?#\\s]+$' } },
    name: { type: ['string', 'null'], maxLength: 100 },
    logo_url: { ...imageUrl, type: ['string', 'null'] },
    color: { type: ['string', 'null'], pattern: '^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$' },
    connector_icons: { type: 'object', maxProperties: 200, additionalProperties: imageUrl },
  },
  description: 'The embeddable widget: origins allowed to call the API from a browser (CORS), and the brand it shows (docs/widget.md)',
} as const;

/** The widget section of a settings document, with its defaults. */
export function widgetSettings(doc: Record<string, unknown>): WidgetSettings {
  const w = (doc.widget ?? {}) as Partial<WidgetSettings>;
  return {
    allowed_origins: Array.isArray(w.allowed_origins) ? w.allowed_origins.map((o) => o.toLowerCase()) : [],
    name: typeof w.name === 'string' ? w.name : null,
    logo_url: typeof w.logo_url === 'string' ? w.logo_url : null,
    color: typeof w.color === 'string' ? w.color : null,
    connector_icons: w.connector_icons && typeof w.connector_icons === 'object' ? w.connector_icons : {},
  };
}

/** What the widget and the connect page show of the owner: its brand, never its other settings. */
export const brandOf = (w: WidgetSettings): { name: string | null; logo_url: string | null; color: string | null } => ({
  name: w.name,
  logo_url: w.logo_url,
  color: w.color,
});
