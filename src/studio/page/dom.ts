/** The page's two tools: `h` builds DOM elements, `api` calls the studio's API with the run's token. */
import { TOKEN_HEADER, type ApiResponse, type Cost } from '../protocol';

export type Child = Node | string | null | undefined | false;
export function h(tag: string, attrs: Record<string, unknown> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'value') (el as HTMLInputElement).value = String(v);
    else if (k === 'checked') (el as HTMLInputElement).checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/** POSTs to `/api/<name>`; `onCost` receives what the request cost, whether it succeeded or not. */
export async function callApi<T>(token: string, name: string, body: unknown, onCost: (cost: Cost) => void): Promise<T> {
  const res = await fetch(`/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token }, body: JSON.stringify(body) });
  let json: ApiResponse<T>;
  try {
    json = (await res.json()) as ApiResponse<T>;
  } catch {
    throw new ApiFailure('HTTP', `HTTP ${res.status}`);
  }
  if (json.cost) onCost(json.cost);
  if (!json.ok) throw new ApiFailure(json.error.code, json.error.message, json.error.fields);
  return json.data;
}

