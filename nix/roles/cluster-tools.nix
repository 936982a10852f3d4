# Hand-written role module (not generated): tools to operate the cluster.
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs; [
    kubectl
    fluxcd
    sops
    age
  ];
}
