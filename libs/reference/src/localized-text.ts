// Bilingual text shown to staff: zh-CN first, English alongside.
export interface LocalizedText {
  zh: string;
  en: string;
}
