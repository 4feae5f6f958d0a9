// Files the API sends as attachments (an Excel export, refused rows), saved from a fetched Blob so a
// refusal is shown on the screen (the API's reason) instead of being saved as a file.

// The file name of a Content-Disposition header: the UTF-8 name (filename*, RFC 6266/5987) before the
// ASCII fallback; undefined when there is none. Path parts are dropped (a name, never a path).
export function attachmentName(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  let name: string | undefined;
  if (star) {
    try {
      name = decodeURIComponent(star[1]!.trim());
    } catch {
      name = undefined;
    }
  }
  name ??= /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/i.exec(header)?.[1];
  const base = name?.split(/[\\/]/).pop()?.trim();
  return base ? base : undefined;
}

// Saves a Blob as a download named `name` (a temporary object URL, released after the click).
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
