import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { zh } from "./zh";

const KEY = "microseg.language";

export const languages = ["en", "zh"] as const;
export type Language = (typeof languages)[number];

function initial(): Language {
  const stored = localStorage.getItem(KEY);
  return stored === "zh" || stored === "en" ? stored : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: initial(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
});

export function setLanguage(language: Language): void {
  localStorage.setItem(KEY, language);
  void i18n.changeLanguage(language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
}

export default i18n;
