#!/usr/bin/env bash
# Packs every package of this repository into a local folder feed and installs the dotnet new templates from it, so a
# clone can create an app before (or without) anything being published:
#
#   build/pack-local.sh   ->  artifacts/packages/*.nupkg     Kernel, Kernel.Testing, Addons.Requests, Kernel.Templates
#                             artifacts/nuget.config         copy it into a generated app: Kernel.* restore from the
#                                                            feed above, everything else from nuget.org
#                             Kernel.Templates installed     dotnet new kernel-app, dotnet new kernel-addon
#
# Each run packs a version of its own (0.0.0-local.<UTC time>) that the templates stamp into the apps they generate,
# so NuGet's package cache never hands an app the packages of an earlier run. tests/Packaging.Tests packs through this
# script too, with these overrides:
#   KERNEL_PACKAGE_VERSION        the version to pack (default: 0.0.0-local.<UTC time>)
#   KERNEL_FEED                   the feed folder (default: artifacts/packages); nuget.config is written beside it
#   KERNEL_BUILD_ARTIFACTS        build outputs (default: artifacts/build; the repository's bin/obj stay untouched)
#   KERNEL_SKIP_TEMPLATE_INSTALL  1: pack only
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
packages=(Kernel Kernel.Testing Addons.Requests Kernel.Templates)
version="${KERNEL_PACKAGE_VERSION:-0.0.0-local.$(date -u +%Y%m%d%H%M%S)}"
feed="${KERNEL_FEED:-$repo_root/artifacts/packages}"
build_artifacts="${KERNEL_BUILD_ARTIFACTS:-$repo_root/artifacts/build}"

mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"
# One version in the feed: the one this run packs.
for package in "${packages[@]}"; do
    rm -f "$feed/$package".*.nupkg "$feed/$package".*.snupkg
done

for package in "${packages[@]}"; do
    echo "Packing $package $version"
    dotnet pack "$repo_root/src/$package/$package.csproj" -c Release -o "$feed" \
        --artifacts-path "$build_artifacts" "-p:Version=$version" -v quiet -nologo
done

mappings=""
for package in "${packages[@]}"; do
    mappings="$mappings<package pattern=\"$package\" />"
done
config="$(dirname "$feed")/nuget.config"
cat > "$config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="kernel-local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="kernel-local">$mappings</packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
XML

if [ "${KERNEL_SKIP_TEMPLATE_INSTALL:-}" != "1" ]; then
    dotnet new install "$feed/Kernel.Templates.$version.nupkg" --force
fi

echo "Packed ${#packages[@]} packages ($version) to $feed"
echo "Restore config for generated apps: $config"
