// Starlight's virtual module of the site's pagefind options. Starlight declares it in a file its package doesn't
// export (virtual-internal.d.ts), for its own components; site-search-element.ts, a copy of one, needs it too.
declare module "virtual:starlight/pagefind-config" {
  export const pagefindUserConfig: Partial<
    Extract<import("@astrojs/starlight/types").StarlightConfig["pagefind"], object>
  >;
}
